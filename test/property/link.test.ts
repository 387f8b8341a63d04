import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBatch } from '../../src/runtime/batch-codec.ts';
import { createEnvelope, type Envelope } from '../../src/runtime/envelope.ts';
import { Link, PIPELINE_DEPTH } from '../../src/runtime/link.ts';

/*
 * A model-based test of a link: the sender offers, flushes and sees the receiver restart (a new port, the
 * receiver's watermark restored from its last saved point); the receiver takes envelopes, saves and acks at
 * random. Every offered envelope must be taken exactly once after the last save, in order; one that reached an
 * earlier incarnation comes marked as sent again, and nothing is marked before the first restart.
 */

type Step =
  | { op: 'offer'; count: number }
  | { op: 'flush' }
  | { op: 'deliver' }
  | { op: 'save-and-ack' }
  | { op: 'restart-receiver' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('offer' as const), count: fc.integer({ min: 1, max: 20 }) }),
  fc.constant({ op: 'flush' as const }),
  fc.constant({ op: 'deliver' as const }),
  fc.constant({ op: 'save-and-ack' as const }),
  fc.constant({ op: 'restart-receiver' as const }),
);

const tick = () => new Promise((resolve) => setImmediate(resolve));

const noop = { onBatch: () => undefined, onInvalid: () => undefined, onAcked: () => undefined };

describe('link', () => {
  it('delivers every accepted envelope exactly once, in order, across receiver restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        const sender = new Link('receiver', 64, noop);
        let taken: number[] = [];
        let saved: number[] = [];
        let savedWatermark = 0;
        let incarnation = 0;
        /** The first receiver incarnation each envelope reached, and the marks of those that reached another. */
        const reached = new Map<number, number>();
        const unmarked: number[] = [];
        const startReceiver = (): Link => {
          incarnation += 1;
          const current = incarnation;
          const { port1, port2 } = new MessageChannel();
          const receiver = new Link('sender', 64, {
            ...noop,
            onBatch: (link, first, envelopes, redeliveredUpTo) => {
              for (let i = 0; i < envelopes.length; i += 1) {
                const n = (envelopes[i] as Envelope<string, { n: number }>).payload.n;
                const before = reached.get(n);
                if (before === undefined) reached.set(n, current);
                // What an earlier incarnation may have handled must come marked as sent again.
                else if (before < current && first + i > redeliveredUpTo) unmarked.push(n);
                if (current === 1 && first + i <= redeliveredUpTo) unmarked.push(-n);
                if (first + i <= link.received) continue;
                link.received = first + i;
                taken.push((envelopes[i] as Envelope<string, { n: number }>).payload.n);
              }
            },
          });
          receiver.attach(port2, 'sender@1', savedWatermark);
          sender.attach(port1, `receiver@${incarnation}`, 0);
          taken = [...saved];
          return receiver;
        };
        let receiver = startReceiver();
        let next = 1;
        const accepted: number[] = [];
        for (const s of steps) {
          if (s.op === 'offer') {
            for (let i = 0; i < s.count; i += 1) {
              if (sender.offer(createEnvelope('s', 'r', 'n', { n: next }))) accepted.push(next++);
            }
          } else if (s.op === 'flush') sender.flush(false);
          else if (s.op === 'deliver') await tick();
          else if (s.op === 'save-and-ack') {
            saved = [...taken];
            savedWatermark = receiver.received;
            receiver.flush(true);
            receiver.sendAck();
            await tick();
          } else {
            receiver.close();
            sender.detach();
            receiver = startReceiver();
          }
        }
        for (let i = 0; i < 10 && taken.length < accepted.length; i += 1) {
          sender.flush(false);
          await tick();
        }
        expect(taken).toEqual(accepted);
        expect(unmarked).toEqual([]);
        sender.close();
        receiver.close();
      }),
      { numRuns: 150 },
    );
  });

  it('posts each envelope at once to a peer that keeps up, and batches once PIPELINE_DEPTH await its ack', async () => {
    const posted = async (earlyFlush: boolean, offered: number, flush: boolean) => {
      const { port1, port2 } = new MessageChannel();
      const batches: number[] = [];
      port2.on('message', (message: { t: string; e: unknown[] | Uint8Array }) => {
        if (message.t !== 'batch') return;
        batches.push((message.e instanceof Uint8Array ? decodeBatch(message.e) : message.e).length);
      });
      const link = new Link('peer', 4096, noop, 1, earlyFlush);
      link.attach(port1, 'peer@1', 0);
      for (let n = 0; n < offered; n += 1) link.offer(createEnvelope('a', 'b', 't', { n }));
      if (flush) link.flush(true);
      await tick();
      await tick();
      link.close();
      port2.close();
      return batches;
    };
    const extra = 10;
    expect(await posted(true, PIPELINE_DEPTH + extra, false)).toEqual(Array(PIPELINE_DEPTH).fill(1));
    expect(await posted(true, PIPELINE_DEPTH + extra, true)).toEqual([
      ...Array(PIPELINE_DEPTH).fill(1),
      extra,
    ]);
    // An endpoint whose commit saves state posts nothing before it.
    expect(await posted(false, PIPELINE_DEPTH + extra, false)).toEqual([]);
    expect(await posted(false, PIPELINE_DEPTH + extra, true)).toEqual([PIPELINE_DEPTH + extra]);
  });

  it('refuses more than its window of unacknowledged envelopes', () => {
    const link = new Link('x', 8, noop);
    const results = Array.from({ length: 10 }, (_, n) => link.offer(createEnvelope('a', 'b', 't', { n })));
    expect(results.filter(Boolean)).toHaveLength(8);
    expect(link.hasRoom).toBe(false);
  });
});
