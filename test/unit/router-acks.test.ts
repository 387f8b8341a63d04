import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { AckBoard } from '../../src/runtime/ack-board.ts';
import { Router } from '../../src/runtime/router.ts';
import { rootLogger } from '../../src/telemetry/logger.ts';

const router = (endpointKey: string, window: number) =>
  new Router({
    endpointKey,
    window,
    deadLetters: { record: () => undefined },
    resolve: () => undefined,
    log: rootLogger(),
  });

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise.then(() => 'resolved'),
    new Promise((resolve) => setTimeout(() => resolve('timed out'), ms)),
  ]);

describe('router: acknowledgements over a shared board', () => {
  it('wakes a sender waiting for room when its sends went out only after it began to wait', async () => {
    const sender = router('sender@1', 4);
    const receiver = router('receiver@1', 4);
    const taken: unknown[] = [];
    receiver.addLocal('remote', { accept: (envelope) => taken.push(envelope.payload) });
    const { port1, port2 } = new MessageChannel();
    const [senderAcks, receiverAcks] = AckBoard.pair();
    receiver.attachLink('sender', port2, 'sender@1', [], false, receiverAcks);
    // The sender knows the peer, but not yet that it hosts 'remote': its sends wait for the route.
    sender.attachLink('receiver', port1, 'receiver@1', [], false, senderAcks);
    for (let n = 0; n < 3; n += 1) expect(sender.tell('me', 'remote', 'm', { n })).toBe('sent');
    const writable = sender.whenWritable();
    sender.routeVia('remote', 'receiver');
    expect(await within(writable, 2000)).toBe('resolved');
    expect(taken).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(sender.room('remote')).toBe(4);
    port1.close();
    port2.close();
  });
});
