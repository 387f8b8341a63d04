import { Type } from '@sinclair/typebox';
import { setup } from 'xstate';
import type { Order, OrderEvent } from '../domain/order.ts';
import { defineActor, defineProtocol } from '../index.ts';

/** An order event as execution reports it to its sinks, with the simulated time it was sent at. */
export interface RecordedOrderEvent {
  order: Order;
  event: OrderEvent | { type: 'Refused'; reason: string; refused: string };
  at: number;
}

/*
 * The backtest's ear: execution reports every order event to it (as to the portfolio), and it hands each one to
 * the backtest that started it. Sinks are registered by id, so that backtests in one thread do not mix.
 */
export const recorderProtocol = defineProtocol({
  messages: {
    orderEvent: Type.Object({
      order: Type.Object({ clientOrderId: Type.String() }, { additionalProperties: true }),
      event: Type.Object({ type: Type.String() }, { additionalProperties: true }),
    }),
    /** Execution sends its problems to its sinks, and logs them itself: the recorder takes and drops them. */
    executionProblem: Type.Unknown(),
  },
});

type Sink = (recorded: RecordedOrderEvent) => void;
const sinks = new Map<string, Sink>();

/** Where the recorder started with `{ sinkId }` delivers; returns the function that removes it. */
export function registerRecorderSink(sinkId: string, sink: Sink): () => void {
  sinks.set(sinkId, sink);
  return () => sinks.delete(sinkId);
}

export const recorderActor = defineActor({
  kind: 'backtest-recorder',
  protocol: recorderProtocol,
  machine: setup({ types: { input: {} as { sinkId: string } } }).createMachine({
    id: 'backtest-recorder',
    context: ({ input }) => ({ sinkId: input.sinkId }),
  }),
  handlers: {
    // A handler, not a transition: the events are the backtest's output, not the recorder's state.
    orderEvent: (message, actor) => {
      const { sinkId } = actor.snapshot.context as { sinkId: string };
      const { order, event } = message.payload as Omit<RecordedOrderEvent, 'at'>;
      sinks.get(sinkId)?.({ order, event, at: message.meta.timestamp });
    },
  },
});
