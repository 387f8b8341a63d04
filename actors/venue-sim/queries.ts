import type { Static } from '@sinclair/typebox';
import type { VenueFillSchema, VenueOrderRecordSchema } from './protocol.ts';
import { engineHolding, engineOf, type VenueContext } from './venue-state.ts';

/* The answers to the venue's queries, read from its context (reconciliation asks these after a restart). */

type OrderRecord = Static<typeof VenueOrderRecordSchema>;
type Fill = Static<typeof VenueFillSchema>;

export function findOrder(context: VenueContext, clientOrderId: string): OrderRecord | undefined {
  const engine = engineHolding(context, clientOrderId);
  const record = engine?.order(clientOrderId);
  return engine === undefined || record === undefined
    ? undefined
    : { ...record, instrumentId: engine.instrument.id.value };
}

export function openOrders(context: VenueContext, instrumentId?: string): OrderRecord[] {
  const ids = instrumentId === undefined ? Object.keys(context.books) : [instrumentId];
  return ids.flatMap(
    (id) =>
      engineOf(context, id)
        ?.openOrders()
        .map((record) => ({ ...record, instrumentId: id })) ?? [],
  );
}

export function fillsSince(context: VenueContext, since: number): Fill[] {
  return Object.keys(context.books)
    .flatMap(
      (instrumentId) =>
        engineOf(context, instrumentId)
          ?.fillsSince(since)
          .map((fill) => ({ ...fill, instrumentId })) ?? [],
    )
    .sort((a, b) => a.at - b.at);
}

export function positions(context: VenueContext): Record<string, string> {
  const held: Record<string, string> = {};
  for (const instrumentId in context.books) {
    const position = engineOf(context, instrumentId)?.position();
    if (position !== undefined) held[instrumentId] = position;
  }
  return held;
}

export function status(context: VenueContext) {
  let open = 0;
  for (const book of Object.values(context.books)) open += Object.keys(book.resting).length;
  return {
    sessions: Object.keys(context.sessions),
    openOrders: open,
    fills: context.fills,
    steps: context.steps,
    replayedLines: context.replayedLines,
    skippedLines: context.skippedLines,
  };
}
