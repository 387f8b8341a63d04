import { assign, fromCallback, sendTo, setup } from 'xstate';
import type { ProtocolEvent } from '../../src/index.ts';
import { deliverDue, feed, type ReplayChunk, replay, step } from './market-flow.ts';
import { cancel, closeSessions, connect, disconnect, modify, submit, subscribe } from './order-flow.ts';
import type { venueSimProtocol } from './protocol.ts';
import type { ReplayReaderInput } from './replay-reader.ts';
import { beginTurn, finish, type Turn } from './turn.ts';
import { addInstrument, initialContext, type VenueContext, type VenueSimInput } from './venue-state.ts';

/** What the replay reader (an actor the worker provides) tells the venue. */
export type ReaderEvent =
  | { type: 'replay.opened' }
  | { type: 'replay.chunk'; chunk: ReplayChunk; at: number }
  | { type: 'replay.failed'; error: string };

/** What the venue tells the replay reader: read on after `from` (a line number), one chunk. */
export type ReaderCommand = { type: 'replay.pull'; from: number };

export type VenueSimEvent =
  | ProtocolEvent<typeof venueSimProtocol>
  | ReaderEvent
  /** From the fast handlers: reports now wait for their latency, so the delivery timer must run. */
  | { type: 'pending' };

/** Runs one message's work on a turn and makes the next context of it. */
function turned(
  context: VenueContext,
  time: number,
  work: (turn: Turn) => void,
  trace?: string,
): VenueContext {
  const turn = beginTurn(context, time, trace);
  work(turn);
  return finish(turn);
}

/** The venue's next context after a message: nested records (books, sessions, pending) change in place. */
export function handle(context: VenueContext, event: VenueSimEvent): VenueContext {
  switch (event.type) {
    case 'pending':
      return context;
    case 'replay.chunk':
      return turned(context, event.at, (turn) => replay(turn, event.chunk));
    case 'replay.failed':
      return {
        ...context,
        outbox: [{ warn: 'the market data file cannot be replayed', detail: event.error }],
      };
    case 'replay.opened':
      return context;
  }
  const orderRequest = event.type === 'submit' || event.type === 'modify' || event.type === 'cancel';
  const trace = orderRequest ? event.meta.traceparent : undefined;
  return turned(
    context,
    event.meta.timestamp,
    (turn) => {
      switch (event.type) {
        case 'connect':
          return connect(turn, event.payload.client);
        case 'disconnect':
          return disconnect(turn, event.payload.client);
        case 'subscribe':
          return subscribe(turn, event.payload.client, event.payload.instrumentId);
        case 'submit':
          return submit(turn, event.payload.client, event.payload.order);
        case 'modify': {
          const { client, clientOrderId, ...change } = event.payload;
          return modify(turn, client, clientOrderId, change);
        }
        case 'cancel':
          return cancel(turn, event.payload.client, event.payload.clientOrderId);
        case 'instrument':
          turn.context.instruments = { ...turn.context.instruments };
          turn.context.books = { ...turn.context.books };
          turn.context.markets = { ...turn.context.markets };
          return addInstrument(turn.context, event.payload.spec);
        case 'setFaults':
          turn.context.faults = { ...turn.context.faults, ...event.payload };
          return;
        case 'dropSessions':
          return closeSessions(turn, 'dropped by the venue');
        case 'step':
          return step(turn);
        case 'marketData':
          feed(turn, event.payload.ticks);
          return;
      }
    },
    trace,
  );
}

/**
 * The simulated venue: sessions, one matching engine per instrument, a synthetic or replayed market, simulated
 * latency and faults. Its own clock is a delayed transition (saved with the state, re-armed on restore) that asks
 * the venue for a `step`, so that every market move happens at a time a message carries; delayed reports wait in
 * context and leave from a second timer armed for the earliest. Order requests, market steps and market data come
 * at order and tick rate: the actor's fast handlers apply them (`handle`) without a transition each, and tell the
 * machine `pending` when reports start waiting. Nothing here does I/O: each message's sends are computed into
 * `outbox` and made by the `emit` action the worker provides, which also reads the replay file.
 */
export const venueSimMachine = setup({
  types: {
    context: {} as VenueContext,
    events: {} as VenueSimEvent,
    input: {} as VenueSimInput,
  },
  delays: {
    marketInterval: ({ context }) => context.intervalMs,
    untilDue: ({ context }) => Math.max(0, (context.pending[0]?.due ?? context.now) - context.now),
  },
  guards: {
    replaying: ({ context }) => context.replay !== undefined,
    clockOff: ({ context }) => context.intervalMs <= 0,
    hasPending: ({ context }) => context.pending.length > 0,
    hasSubscribers: ({ context }) => Object.values(context.subscribers).some((clients) => clients.length > 0),
    lastChunk: ({ event }) => event.type === 'replay.chunk' && event.chunk.done,
  },
  actors: {
    replayReader: fromCallback<ReaderCommand, ReplayReaderInput>(() => undefined),
  },
  actions: {
    emit: () => undefined,
    requestStep: () => undefined,
    answerConnect: () => undefined,
    answerOrder: () => undefined,
    answerOpenOrders: () => undefined,
    answerFills: () => undefined,
    answerPositions: () => undefined,
    answerStatus: () => undefined,
    handle: assign(({ context, event }) => handle(context, event)),
    flushDue: assign(({ context }) => deliverDue(context)),
    pull: sendTo(
      'replayReader',
      ({ context }): ReaderCommand => ({ type: 'replay.pull', from: context.replayLine }),
    ),
  },
}).createMachine({
  id: 'venue-sim',
  context: ({ input }) => initialContext(input),
  type: 'parallel',
  states: {
    market: {
      initial: 'choosing',
      states: {
        choosing: {
          always: [
            { guard: 'replaying', target: 'replaying' },
            { guard: 'clockOff', target: 'manual' },
            { target: 'synthetic' },
          ],
        },
        synthetic: {
          after: { marketInterval: { target: 'synthetic', reenter: true, actions: 'requestStep' } },
        },
        /** No clock of its own: `step` messages move the market (tests, backtests). */
        manual: {},
        replaying: {
          initial: 'waitingForSubscriber',
          states: {
            /** A replay starts with the first subscription, so that no subscriber misses its beginning. */
            waitingForSubscriber: { always: { guard: 'hasSubscribers', target: 'reading' } },
            reading: {
              invoke: {
                id: 'replayReader',
                src: 'replayReader',
                input: ({ context }) => ({
                  ...(context.replay as NonNullable<VenueContext['replay']>),
                  instruments: Object.values(context.instruments),
                }),
              },
              on: {
                'replay.opened': { actions: 'pull' },
                'replay.chunk': [
                  { guard: 'lastChunk', target: '#venue-sim.market.replayed', actions: ['handle', 'emit'] },
                  { actions: ['handle', 'emit', 'pull'] },
                ],
                'replay.failed': { target: '#venue-sim.market.replayed', actions: ['handle', 'emit'] },
              },
            },
          },
        },
        replayed: {},
      },
    },
    deliveries: {
      initial: 'idle',
      states: {
        idle: { always: { guard: 'hasPending', target: 'waiting' }, on: { pending: 'waiting' } },
        waiting: { after: { untilDue: { target: 'idle', actions: ['flushDue', 'emit'] } } },
      },
    },
  },
  on: {
    connect: { actions: ['handle', 'emit', 'answerConnect'] },
    disconnect: { actions: ['handle', 'emit'] },
    subscribe: { actions: ['handle', 'emit'] },
    instrument: { actions: ['handle', 'emit'] },
    setFaults: { actions: ['handle', 'emit'] },
    dropSessions: { actions: ['handle', 'emit'] },
    queryOrder: { actions: 'answerOrder' },
    queryOpenOrders: { actions: 'answerOpenOrders' },
    queryFillsSince: { actions: 'answerFills' },
    queryPositions: { actions: 'answerPositions' },
    status: { actions: 'answerStatus' },
  },
});
