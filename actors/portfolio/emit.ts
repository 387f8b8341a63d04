import { type ActorIO, perActor } from '../../src/index.ts';
import { STREAM } from '../../src/persistence/layout.ts';
import type { PortfolioContext, PortfolioEvent } from './machine.ts';

export type Emit = (context: PortfolioContext, event: PortfolioEvent) => void;

/**
 * What sends the portfolio's outbox through one actor's effects: positions and balances journaled, told to risk
 * (the latest of each per turn) and to the sinks. One per actor, made at its first use.
 */
export const emitterOf: (io: ActorIO) => Emit = perActor(makeEmitter);

function makeEmitter(io: ActorIO): Emit {
  // Risk only keeps the latest position and free balance: a burst of orders, each locking funds, tells it the
  // last value once per turn instead of once per order (the order path's throughput depends on it).
  const latest = new Map<
    string,
    { type: 'position' | 'balance'; payload: unknown; correlationId?: string }
  >();
  let riskId = 'risk';
  const flush = () => {
    for (const { type, payload, correlationId } of latest.values()) {
      io.tell(riskId, type, payload, correlationId === undefined ? {} : { correlationId });
    }
    latest.clear();
  };
  /**
   * A fill the portfolio cannot book (an instrument it does not know, a position of another instrument) leaves
   * its positions and balances short of what the venue did: risk's checks would read them wrong, so trading
   * halts until a person looks. Other messages it cannot apply change nothing and are only logged.
   */
  const haltOnUnbookedFill = (context: PortfolioContext, event: PortfolioEvent) => {
    if (event.type !== 'fill') {
      io.log.warn({ problem: context.problem }, 'portfolio could not apply a message');
      return;
    }
    const { order, fill } = event.payload;
    io.log.error(
      { problem: context.problem, clientOrderId: order.clientOrderId, tradeId: fill.tradeId },
      'portfolio could not book a fill: trading halted',
    );
    io.tell(context.riskId, 'setTradingState', {
      state: 'HALTED',
      reason: `the portfolio could not book fill ${fill.tradeId} of ${order.clientOrderId}: ${context.problem}`,
    });
  };
  return (context, event) => {
    const options = event.meta === undefined ? {} : { correlationId: event.meta.correlationId };
    if (context.problem !== undefined) haltOnUnbookedFill(context, event);
    if (context.outbox.length > 0 && latest.size === 0) queueMicrotask(flush);
    riskId = context.riskId;
    for (const update of context.outbox) {
      if (update.kind === 'position') {
        io.journal(
          STREAM.position(update.positionId),
          'PositionChanged',
          context.positions[update.positionId],
        );
        latest.set(`position ${update.instrumentId}`, {
          type: 'position',
          payload: { instrumentId: update.instrumentId, quantity: update.quantity },
          ...options,
        });
      } else {
        io.journal(STREAM.account(update.currency), 'BalanceChanged', {
          currency: update.currency,
          ...context.balances[update.currency],
        });
        latest.set(`balance ${update.currency}`, {
          type: 'balance',
          payload: { currency: update.currency, free: update.free },
          ...options,
        });
      }
      for (const sink of context.eventSinks) io.tell(sink, 'portfolioEvent', update, options);
      if (update.kind === 'position')
        for (const sink of context.positionSinks ?? []) io.tell(sink, 'portfolioEvent', update, options);
    }
  };
}
