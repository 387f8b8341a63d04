import { Decimal } from '../../src/domain/decimal.ts';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import { readActorState } from '../../src/persistence/actor-states.ts';
import type { JournalRecord } from '../../src/persistence/layout.ts';
import { decodeRecord } from '../../src/persistence/record-codec.ts';
import type { FoxtrotStore } from '../../src/persistence/store.ts';
import { fillsOf } from '../../src/persistence/views.ts';
import { decodeMachine } from '../../src/runtime/snapshot-encoding.ts';

/** What the simulated venue saved: every order record it keeps, by instrument. */
export function venueOrderIds(store: FoxtrotStore, venueActorId: string): string[] {
  const saved = readActorState(store, venueActorId);
  if (saved === undefined) return [];
  const snapshot = decodeMachine(saved.machine) as unknown as {
    context: { books: Record<string, { records: Record<string, unknown> }> };
  };
  return Object.values(snapshot.context.books).flatMap((book) => Object.keys(book.records));
}

/** Journal records of order streams whose event says the venue refused a client order id it had seen. */
export function duplicateSubmissions(store: FoxtrotStore): string[] {
  const found: string[] = [];
  for (const { key, value } of store.dbs.journal.getRange({ start: ['order:'], end: ['order;'] })) {
    const record = decodeRecord<JournalRecord>(value as Uint8Array);
    const event = (record.data as { event: { reason?: string } }).event;
    if (event.reason?.includes('duplicate client order id')) found.push(JSON.stringify(key));
  }
  return found;
}

/**
 * The balances the journaled fills make from the starting balances: the base currency moves by the quantity, the
 * quote currency by the notional and the commission (the portfolio's cash rule).
 */
export function balancesFromFills(
  store: FoxtrotStore,
  starting: Record<string, string>,
  instruments: InstrumentSpec[],
): Map<string, Decimal> {
  const totals = new Map(
    Object.entries(starting).map(([currency, amount]) => [currency, Decimal.parse(amount)]),
  );
  const add = (currency: string, amount: Decimal) =>
    totals.set(currency, (totals.get(currency) ?? Decimal.zero()).add(amount));
  const specs = new Map(instruments.map((spec) => [spec.id, spec]));
  for (const fill of fillsOf(store)) {
    const spec = specs.get(fill.instrumentId);
    if (spec === undefined) throw new Error(`fill of unknown instrument ${fill.instrumentId}`);
    const quantity = Decimal.parse(fill.quantity);
    const notional = quantity.mul(Decimal.parse(fill.price));
    const commission = fill.commission === undefined ? Decimal.zero() : Decimal.parse(fill.commission);
    const buy = fill.side === 'BUY';
    add(spec.baseCurrency, buy ? quantity : quantity.neg());
    add(spec.quoteCurrency, buy ? notional.add(commission).neg() : notional.sub(commission));
  }
  return totals;
}
