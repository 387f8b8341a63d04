import { freeOf } from '../../src/domain/account.ts';
import { unrealizedPnl } from '../../src/domain/position.ts';
import { defineActor, type FastHandler } from '../../src/index.ts';
import { emitterOf } from './emit.ts';
import { applyToBook, type PortfolioEvent, portfolioMachine } from './machine.ts';
import { marksOf } from './marks.ts';
import { portfolioProtocol } from './protocol.ts';

/** A fill or an order event, applied to the book in place (these come at order rate: no transition each). */
const bookFlow: FastHandler<typeof portfolioMachine> = (message, actor, io) => {
  const context = actor.snapshot.context;
  const event = message as PortfolioEvent;
  actor.update(applyToBook(context, event));
  // The reservations change in place: an order event may change nothing else.
  actor.changed('reservations');
  emitterOf(io)(context, event);
};

/** The portfolio as an actor; a worker hosting it loads this module. */
export const portfolioActor = defineActor({
  kind: 'portfolio',
  // Its state is the fold of its messages (their timestamps are its clock): snapshots every so many.
  replayable: true,
  protocol: portfolioProtocol,
  machine: portfolioMachine,
  handlers: {
    fill: bookFlow,
    orderEvent: bookFlow,
    mark: (message, _actor, io) => {
      const { instrumentId, price } = message.payload as { instrumentId: string; price: string };
      marksOf(io.self).set(instrumentId, price);
    },
  },
  effects: (io) => ({
    actions: {
      emit: ({ context, event }) => emitterOf(io)(context, event),
      answerSnapshot: ({ context, event }) => {
        const marks = marksOf(io.self);
        io.reply(event.meta, {
          positions: Object.entries(context.positions).map(([positionId, position]) => {
            const mark = marks.get(position.instrumentId);
            return {
              positionId,
              instrumentId: position.instrumentId,
              quantity: position.quantity,
              averageOpenPrice: position.averageOpenPrice,
              realizedPnl: position.realizedPnl,
              commissions: position.commissions,
              ...(mark === undefined ? {} : { unrealizedPnl: unrealizedPnl(position, mark).toString() }),
            };
          }),
          balances: Object.fromEntries(
            Object.entries(context.balances).map(([currency, balance]) => [
              currency,
              { ...balance, free: freeOf(balance).toString() },
            ]),
          ),
        });
      },
    },
  }),
});
