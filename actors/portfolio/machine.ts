import { assign, setup } from 'xstate';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { ProtocolEvent } from '../../src/index.ts';
import {
  type Book,
  type BookResult,
  type BookUpdate,
  deposit,
  type OmsType,
  onFill,
  onOrderEvent,
} from './book.ts';
import type { portfolioProtocol } from './protocol.ts';

export interface PortfolioInput {
  instruments?: InstrumentSpec[];
  /** Default NETTING. */
  omsType?: OmsType;
  /** Told of every position and free balance change, for its checks. Default `risk`. */
  riskId?: string;
  /** Told of every position and balance change (`portfolioEvent`). */
  eventSinks?: string[];
  /**
   * Told of position changes only: strategies, which keep their positions and have no use for balances. The
   * starting balances, told before any strategy exists, would only be dead letters to them.
   */
  positionSinks?: string[];
  /** Cash the account starts with, per currency (decimal text): risk is told the free balances at start. */
  balances?: Record<string, string>;
}

export interface PortfolioContext extends Book {
  riskId: string;
  eventSinks: string[];
  /** Absent from a state saved before it existed. */
  positionSinks?: string[];
  /** What the last message changed: the `emit` effect sends it. */
  outbox: BookUpdate[];
  /** A message the portfolio could not apply (unknown instrument, malformed decimal): nothing changed. */
  problem?: string;
}

export type PortfolioEvent = ProtocolEvent<typeof portfolioProtocol>;

function applied(run: () => BookResult): Partial<PortfolioContext> {
  try {
    const { book, updates } = run();
    return { ...book, outbox: updates, problem: undefined };
  } catch (error) {
    return { outbox: [], problem: (error as Error).message };
  }
}

/**
 * What a message does to the book: the fields it replaces, with what to tell others as `outbox` (or the problem
 * that kept it from applying, with nothing changed). The reservations are changed in place.
 */
export function applyToBook(context: PortfolioContext, event: PortfolioEvent): Partial<PortfolioContext> {
  switch (event.type) {
    case 'deposit':
      return applied(() => deposit(context, event.payload.currency, event.payload.amount));
    case 'fill':
      return applied(() => onFill(context, event.payload.order, event.payload.fill));
    case 'orderEvent':
      return applied(() => onOrderEvent(context, event.payload.order, event.payload.event.type));
    default:
      return { outbox: [] };
  }
}

/**
 * Positions and cash accounts from fills and order events; the machine computes, its effects tell risk and sinks.
 * Fills and order events come at order rate: the actor's fast handlers apply them (applyToBook) without a
 * transition each, and the machine's transitions take deposits and instruments.
 */
export const portfolioMachine = setup({
  types: {
    context: {} as PortfolioContext,
    events: {} as PortfolioEvent,
    input: {} as PortfolioInput | undefined,
  },
  actions: {
    emit: () => undefined,
    answerSnapshot: () => undefined,
    handle: assign(({ context, event }) => applyToBook(context, event)),
  },
}).createMachine({
  id: 'portfolio',
  context: ({ input }) => {
    let book: Book = {
      omsType: input?.omsType ?? 'NETTING',
      instruments: Object.fromEntries((input?.instruments ?? []).map((spec) => [spec.id, spec])),
      positions: {},
      balances: {},
      reservations: {},
    };
    const outbox: BookUpdate[] = [];
    for (const [currency, amount] of Object.entries(input?.balances ?? {})) {
      const result = deposit(book, currency, amount);
      book = result.book;
      outbox.push(...result.updates);
    }
    return {
      ...book,
      riskId: input?.riskId ?? 'risk',
      eventSinks: input?.eventSinks ?? [],
      positionSinks: input?.positionSinks ?? [],
      outbox,
    };
  },
  // Starting balances reach risk before any order can: strategies start after the portfolio.
  entry: 'emit',
  on: {
    deposit: { actions: ['handle', 'emit'] },
    instrument: {
      actions: assign({
        instruments: ({ context, event }) => ({
          ...context.instruments,
          [event.payload.spec.id]: event.payload.spec,
        }),
      }),
    },
    snapshot: { actions: 'answerSnapshot' },
  },
});
