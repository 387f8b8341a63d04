import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createActor, type Snapshot } from 'xstate';
import { venueSimMachine } from '../../actors/venue-sim/machine.ts';
import { replayReader } from '../../actors/venue-sim/replay-reader.ts';
import type { Emission, VenueContext } from '../../actors/venue-sim/venue-state.ts';
import type { ActorIO } from '../../src/index.ts';
import { btcSpec } from '../fixtures/instruments.ts';
import { waitFor } from '../support/system.ts';

const file = fileURLToPath(new URL('../fixtures/replay/btc-ticks.csv', import.meta.url));

/** The venue's machine with the real replay reader, an io that only logs, and `emit` recording what it sends. */
function replayingVenue(speed: number, snapshot?: Snapshot<unknown>) {
  const sent: Array<Extract<Emission, { to: string }>> = [];
  const warnings: unknown[] = [];
  const io = {
    now: () => Date.now(),
    log: { warn: (detail: unknown) => warnings.push(detail) },
  } as unknown as ActorIO;
  const actor = createActor(
    venueSimMachine.provide({
      actors: { replayReader: replayReader(io) },
      actions: {
        emit: ({ context }) => {
          for (const emission of context.outbox) if (!('warn' in emission)) sent.push(emission);
        },
      },
    }),
    {
      input: { instruments: [btcSpec], replay: { file, speed } },
      ...(snapshot === undefined ? {} : { snapshot }),
    },
  );
  actor.start();
  const send = (type: string, payload: unknown) =>
    actor.send({
      type,
      payload,
      meta: { id: 'm', from: 't', timestamp: Date.now(), correlationId: 'c' },
    } as never);
  const context = () => actor.getSnapshot().context as VenueContext;
  return { actor, sent, warnings, send, context };
}

describe('the simulated venue replaying a file', () => {
  it('waits for a subscriber, then pushes every good tick and logs the bad line with its file and number', async () => {
    const venue = replayingVenue(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(venue.context().replayLine).toBe(0);
    venue.send('connect', { client: 'c' });
    venue.send('subscribe', { client: 'c', instrumentId: btcSpec.id });
    await waitFor(
      () => venue.actor.getSnapshot().matches({ market: 'replayed' }),
      2000,
      'the end of the file',
    );
    expect(venue.sent.map((m) => m.type)).toEqual(['quote', 'quote', 'trade', 'quote', 'trade']);
    expect(venue.warnings).toEqual([{ file, line: 6 }]);
    expect(venue.context()).toMatchObject({ replayedLines: 5, skippedLines: 1, replayLine: 8 });
  });

  it('keeps the file’s pace at speed 1', async () => {
    const venue = replayingVenue(1);
    const started = Date.now();
    venue.send('connect', { client: 'c' });
    venue.send('subscribe', { client: 'c', instrumentId: btcSpec.id });
    await waitFor(
      () => venue.actor.getSnapshot().matches({ market: 'replayed' }),
      3000,
      'the end of the file',
    );
    // 350 ms between the first tick and the last.
    expect(Date.now() - started).toBeGreaterThanOrEqual(340);
  });

  it('reads on after the last line it took in when restored from a snapshot', async () => {
    const first = replayingVenue(1);
    first.send('connect', { client: 'c' });
    first.send('subscribe', { client: 'c', instrumentId: btcSpec.id });
    await waitFor(() => first.sent.length >= 2, 2000, 'two ticks');
    const snapshot = structuredClone(first.actor.getPersistedSnapshot());
    first.actor.stop();
    const taken = (snapshot as unknown as { context: VenueContext }).context;
    const second = replayingVenue(1, snapshot);
    await waitFor(
      () => second.actor.getSnapshot().matches({ market: 'replayed' }),
      3000,
      'the end of the file',
    );
    expect(first.sent.length + second.sent.length).toBe(5);
    expect(second.context().replayedLines).toBe(5);
    expect(second.context().replayLine).toBe(8);
    expect(taken.replayLine).toBeLessThan(8);
  });
});
