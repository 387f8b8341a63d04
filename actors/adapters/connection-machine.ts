import type { Static } from '@sinclair/typebox';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { assign, fromPromise, setup } from 'xstate';
import { backoffDelay, type ExponentialBackoff } from '../../src/resilience/backoff.ts';
import type { ConnectionStateSchema } from './protocol.ts';

export type ConnectionState = Static<typeof ConnectionStateSchema>;

export interface ConnectionInput {
  venue: string;
  backoff?: ExponentialBackoff;
  /** Failed attempts in a row before the connection is declared failed (it then waits for a new `connect`). */
  maxAttempts?: number;
  /** Seeds the jitter, so that a backtest reconnects at the same simulated times every run. */
  seed?: number;
}

export interface ConnectionContext {
  venue: string;
  backoff: ExponentialBackoff;
  maxAttempts: number;
  /** Failed attempts since the last success. */
  attempt: number;
  /** The jitter generator's state: the machine draws from it without touching anything outside. */
  rng: number[];
  /** The delay before the next attempt, drawn when the attempt failed. */
  nextDelayMs: number;
  lastError?: string;
}

export type ConnectionEvent =
  | { type: 'connect' }
  | { type: 'disconnect' }
  /** The venue dropped a live connection. */
  | { type: 'lost'; reason: string };

/** A draw of jitter in [0, 1) from the context's generator, and the generator after it. */
function drawJitter(rng: number[]): { value: number; rng: number[] } {
  const generator = xoroshiro128plusFromState(rng);
  const value = uniformInt(generator, 0, 999_999) / 1_000_000;
  return { value, rng: [...generator.getState()] };
}

/**
 * A venue connection's life: disconnected, connecting, connected, reconnecting (after a failed attempt or a lost
 * connection, waiting an exponential backoff with jitter), failed (too many attempts in a row: it waits for a
 * new `connect`). The attempt itself is the `openConnection` actor its owner provides, so the machine does no I/O.
 */
export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    input: {} as ConnectionInput,
  },
  actors: {
    openConnection: fromPromise<void, { venue: string }>(async () => {
      throw new Error('openConnection is provided by the adapter');
    }),
    closeConnection: fromPromise<void, { venue: string }>(async () => undefined),
  },
  delays: {
    backoff: ({ context }) => context.nextDelayMs,
  },
  actions: {
    /** Told of every state change, for the connection's owner (the adapter routes orders only while connected). */
    report: (_, _params: { state: ConnectionState }) => undefined,
    recordFailure: assign(({ context }, params: { error: string }) => {
      const jitter = drawJitter(context.rng);
      return {
        attempt: context.attempt + 1,
        lastError: params.error,
        rng: jitter.rng,
        nextDelayMs: backoffDelay(context.attempt, context.backoff, () => jitter.value),
      };
    }),
    resetAttempts: assign({ attempt: 0, lastError: undefined }),
  },
}).createMachine({
  id: 'connection',
  context: ({ input }) => ({
    venue: input.venue,
    backoff: input.backoff ?? { minMs: 100, maxMs: 10_000, jitter: 0.2 },
    maxAttempts: input.maxAttempts ?? 10,
    attempt: 0,
    rng: [...xoroshiro128plus(input.seed ?? 1).getState()],
    nextDelayMs: 0,
  }),
  initial: 'disconnected',
  states: {
    disconnected: {
      entry: { type: 'report', params: { state: 'disconnected' } },
      on: { connect: 'connecting' },
    },
    connecting: {
      entry: { type: 'report', params: { state: 'connecting' } },
      invoke: {
        src: 'openConnection',
        input: ({ context }) => ({ venue: context.venue }),
        onDone: { target: 'connected', actions: 'resetAttempts' },
        onError: [
          {
            target: 'reconnecting',
            actions: { type: 'recordFailure', params: ({ event }) => ({ error: String(event.error) }) },
          },
        ],
      },
      on: { disconnect: 'disconnecting' },
    },
    connected: {
      entry: { type: 'report', params: { state: 'connected' } },
      on: {
        lost: {
          target: 'reconnecting',
          actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.reason }) },
        },
        disconnect: 'disconnecting',
      },
    },
    reconnecting: {
      entry: { type: 'report', params: { state: 'reconnecting' } },
      always: { guard: ({ context }) => context.attempt >= context.maxAttempts, target: 'failed' },
      after: { backoff: 'connecting' },
      on: { disconnect: 'disconnected', connect: 'connecting' },
    },
    disconnecting: {
      entry: { type: 'report', params: { state: 'disconnecting' } },
      invoke: {
        src: 'closeConnection',
        input: ({ context }) => ({ venue: context.venue }),
        onDone: 'disconnected',
        onError: 'disconnected',
      },
    },
    failed: {
      entry: { type: 'report', params: { state: 'failed' } },
      on: { connect: { target: 'connecting', actions: 'resetAttempts' } },
    },
  },
});
