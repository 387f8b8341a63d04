import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckBoard } from '../../src/runtime/ack-board.ts';
import { decodeBatch } from '../../src/runtime/batch-codec.ts';
import { createEnvelope, type Envelope } from '../../src/runtime/envelope.ts';
import { Link, PIPELINE_DEPTH } from '../../src/runtime/link.ts';
import type { LinkMessage } from '../../src/runtime/wire.ts';

/*
 * A model-based test of a link: the sender offers, flushes and sees the receiver restart (a new port, the
 * receiver's watermark restored from its last saved point); the receiver takes envelopes, saves and acks at
 * random. Every offered envelope must be taken exactly once after the last save, in order; one that reached an
 * earlier incarnation comes marked as sent again, and nothing is marked before the first restart. Acknowledgements
 * go by post, or through a board in shared memory (a new one with each port, as the directory makes them).
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
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        async (steps, boards) => {
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
            const [senderAcks, receiverAcks] = boards ? AckBoard.pair() : [undefined, undefined];
            receiver.attach(port2, 'sender@1', savedWatermark, false, receiverAcks);
            sender.attach(port1, `receiver@${incarnation}`, 0, false, senderAcks);
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
        },
      ),
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

  describe('with an acknowledgement board', () => {
    /** A sender and a receiver sharing a board; the receiver's acknowledgement posts are recorded. */
    const boardPair = (window: number) => {
      const { port1, port2 } = new MessageChannel();
      const [senderAcks, receiverAcks] = AckBoard.pair();
      const ackPosts: number[] = [];
      const post = port2.postMessage.bind(port2);
      port2.postMessage = (message: LinkMessage) => {
        if (message.t === 'ack') ackPosts.push(message.s);
        else if (message.a !== undefined) ackPosts.push(message.a);
        post(message);
      };
      const acked: number[] = [];
      const sender = new Link('receiver', window, {
        ...noop,
        onAcked: (link) => acked.push(link.ackedThrough),
      });
      const receiver = new Link('sender', window, {
        ...noop,
        onBatch: (link, first, envelopes) => {
          link.received = first + envelopes.length - 1;
        },
      });
      sender.attach(port1, 'receiver@1', 0, false, senderAcks);
      receiver.attach(port2, 'sender@1', 0, false, receiverAcks);
      /** The receiver's end of a turn, as its router does it: the commit, then any acknowledgement left to post. */
      const commit = () => {
        receiver.flush(true);
        if (receiver.ackPending) receiver.sendAck();
      };
      const offer = (count: number) =>
        Array.from({ length: count }, (_, n) => sender.offer(createEnvelope('a', 'b', 't', { n })));
      const close = () => {
        sender.close();
        receiver.close();
      };
      return { sender, ackPosts, acked, commit, offer, close };
    };

    it('learns of acknowledgements without a post while it has room', async () => {
      const { sender, ackPosts, acked, commit, offer, close } = boardPair(8);
      for (let round = 0; round < 5; round += 1) {
        expect(offer(6).every(Boolean)).toBe(true);
        await tick();
        commit();
        expect(sender.inFlight).toBe(0);
      }
      expect(sender.ackedThrough).toBe(30);
      await tick();
      expect(ackPosts).toEqual([]);
      expect(acked).toEqual([]);
      close();
    });

    it('is sent a post once it holds sends beyond its window, and then sends them', async () => {
      const { sender, ackPosts, acked, commit, offer, close } = boardPair(4);
      expect(offer(5)).toEqual([true, true, true, true, false]);
      sender.hold(createEnvelope('a', 'b', 't', { n: 5 }));
      await tick();
      commit();
      await tick();
      expect(ackPosts).toEqual([4]);
      expect(acked).toEqual([4]);
      expect(sender.overflowing).toBe(0);
      expect(sender.inFlight).toBe(1);
      close();
    });

    it('takes up what the board already shows when it starts to wait, with no post', async () => {
      const { sender, ackPosts, acked, commit, offer, close } = boardPair(4);
      expect(offer(4).every(Boolean)).toBe(true);
      await tick();
      // The receiver commits while the sender does not wait yet, then goes idle: it will not post.
      commit();
      sender.hold(createEnvelope('a', 'b', 't', { n: 4 }));
      await Promise.resolve();
      expect(acked).toEqual([4]);
      expect(sender.overflowing).toBe(0);
      await tick();
      expect(ackPosts).toEqual([]);
      close();
    });
  });

  it('reads a board watermark back across the 2^31 wrap, and a board nobody published to as no progress', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 2 ** 21 }),
        fc.integer({ min: 0, max: 2 ** 20 }),
        fc.integer({ min: 0, max: 2 ** 20 }),
        (ackedUpTo, outstanding, advance) => {
          const [mine, theirs] = AckBoard.pair();
          const reader = new AckBoard(mine);
          expect(reader.peerCommitted(ackedUpTo, outstanding)).toBe(ackedUpTo);
          new AckBoard(theirs).publish(ackedUpTo + advance);
          const expected = advance <= outstanding ? ackedUpTo + advance : ackedUpTo;
          expect(reader.peerCommitted(ackedUpTo, outstanding)).toBe(expected);
        },
      ),
    );
    expect(() => new AckBoard({ buffer: new SharedArrayBuffer(4), side: 0 })).toThrow(/16 bytes/);
  });

  it('refuses more than its window of unacknowledged envelopes', () => {
    const link = new Link('x', 8, noop);
    const results = Array.from({ length: 10 }, (_, n) => link.offer(createEnvelope('a', 'b', 't', { n })));
    expect(results.filter(Boolean)).toHaveLength(8);
    expect(link.hasRoom).toBe(false);
  });
});
