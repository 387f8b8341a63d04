import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Router } from '../../src/runtime/router.ts';
import { rootLogger } from '../../src/telemetry/logger.ts';

/** A router with a link to a peer endpoint that never acknowledges (its port is not read). */
function routerWithPeer(window: number) {
  const router = new Router({
    endpointKey: 'sender@1',
    window,
    deadLetters: { record: () => undefined },
    resolve: () => undefined,
    log: rootLogger(),
  });
  const channel = new MessageChannel();
  router.attachLink('peer', channel.port1, 'peer@1', ['remote']);
  return { router, channel };
}

const tell = (router: Router, to: string) => router.tell('me', to, 'm', {}, undefined, true);

describe('router: room per receiver', () => {
  const channels: MessageChannel[] = [];
  afterEach(() => {
    for (const channel of channels.splice(0)) {
      channel.port1.close();
      channel.port2.close();
    }
  });

  it('counts what is unacknowledged to the receiver’s endpoint, within the window and the limit asked', () => {
    const { router, channel } = routerWithPeer(8);
    channels.push(channel);
    expect(router.room('remote')).toBe(8);
    expect(router.room('remote', 3)).toBe(3);
    expect(router.room('remote', 100)).toBe(8);
    for (let i = 0; i < 5; i += 1) expect(tell(router, 'remote')).toBe('sent');
    expect(router.room('remote')).toBe(3);
    expect(router.room('remote', 3)).toBe(0);
    for (let i = 0; i < 3; i += 1) tell(router, 'remote');
    expect(router.room('remote')).toBe(0);
    // Beyond the window a tell is held: that is what room lets a sender avoid.
    expect(tell(router, 'remote')).toBe('held');
    expect(router.room('remote')).toBe(0);
  });

  it('counts what is held for a receiver whose route is not yet known', () => {
    const { router, channel } = routerWithPeer(4);
    channels.push(channel);
    tell(router, 'elsewhere');
    tell(router, 'elsewhere');
    expect(router.room('elsewhere')).toBe(2);
    expect(router.room('remote')).toBe(4);
  });

  it('always has room for an actor in the same thread: it never pauses its sender', () => {
    const { router, channel } = routerWithPeer(2);
    channels.push(channel);
    router.addLocal('local', { accept: () => undefined });
    for (let i = 0; i < 10; i += 1) tell(router, 'local');
    expect(router.room('local')).toBe(2);
    expect(router.room('local', 1)).toBe(1);
  });

  it('has room again once the peer acknowledges', async () => {
    const { router, channel } = routerWithPeer(4);
    channels.push(channel);
    for (let i = 0; i < 4; i += 1) tell(router, 'remote');
    expect(router.room('remote')).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    const writable = router.whenWritable();
    channel.port2.postMessage({ t: 'ack', s: 4 });
    await writable;
    expect(router.room('remote')).toBe(4);
  });
});
