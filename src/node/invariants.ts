import { executionProtocol } from '../../actors/execution/protocol.ts';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import { venueSimProtocol } from '../../actors/venue-sim/protocol.ts';
import { Decimal } from '../domain/decimal.ts';
import type { Order } from '../domain/order.ts';
import type { ActorSystem } from '../index.ts';
import { NODE_IDS } from './tree.ts';

export interface InvariantReport {
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; detail?: string }>;
}

const ASK = { timeoutMs: 3000 };

/**
 * Checks design.md's invariants against the venue's own records: every order the venue holds is known to
 * execution (nothing reached the venue behind the node's back, nothing was lost), and the portfolio's net position
 * in each instrument equals the net of the venue's fills. Meaningful when the node is quiet (trading halted, fills
 * landed): in full flow a fill can be at the venue and not yet in the portfolio.
 */
export async function checkInvariants(system: ActorSystem, venue: string): Promise<InvariantReport> {
  const venueRef = system.ref(NODE_IDS.venue(venue), venueSimProtocol);
  const execution = system.ref(NODE_IDS.execution, executionProtocol);
  const [venueOpen, venueFills, portfolio] = await Promise.all([
    venueRef.ask('queryOpenOrders', {}, ASK),
    venueRef.ask('queryFillsSince', { since: 0 }, ASK),
    system.ref(NODE_IDS.portfolio, portfolioProtocol).ask('snapshot', {}, ASK),
  ]);
  const checks: InvariantReport['checks'] = [];

  const unknown: string[] = [];
  for (const record of venueOpen) {
    const answer = await execution.ask('order', { clientOrderId: record.clientOrderId }, ASK);
    if (!answer.found) unknown.push(record.clientOrderId);
  }
  checks.push({
    name: 'every order open at the venue is known to execution',
    ok: unknown.length === 0,
    ...(unknown.length === 0 ? {} : { detail: `unknown: ${unknown.slice(0, 10).join(', ')}` }),
  });

  // The venue's fills carry no side: execution's order says which way each went.
  const sides = new Map<string, 'BUY' | 'SELL'>();
  const venueNet = new Map<string, Decimal>();
  const missing: string[] = [];
  for (const fill of venueFills) {
    let side = sides.get(fill.clientOrderId);
    if (side === undefined) {
      const answer = await execution.ask('order', { clientOrderId: fill.clientOrderId }, ASK);
      if (!answer.found) {
        missing.push(fill.clientOrderId);
        continue;
      }
      side = (answer.order as Order).side;
      sides.set(fill.clientOrderId, side);
    }
    const quantity = Decimal.parse(fill.quantity);
    const net = venueNet.get(fill.instrumentId) ?? Decimal.zero();
    venueNet.set(fill.instrumentId, side === 'BUY' ? net.add(quantity) : net.sub(quantity));
  }
  checks.push({
    name: 'every fill at the venue belongs to an order execution knows',
    ok: missing.length === 0,
    ...(missing.length === 0
      ? {}
      : { detail: `orders not known: ${[...new Set(missing)].slice(0, 10).join(', ')}` }),
  });

  const portfolioNet = new Map<string, Decimal>();
  for (const position of portfolio.positions) {
    const net = portfolioNet.get(position.instrumentId) ?? Decimal.zero();
    portfolioNet.set(position.instrumentId, net.add(Decimal.parse(position.quantity)));
  }
  const differences: string[] = [];
  for (const instrumentId of new Set([...venueNet.keys(), ...portfolioNet.keys()])) {
    const atVenue = venueNet.get(instrumentId) ?? Decimal.zero();
    const inPortfolio = portfolioNet.get(instrumentId) ?? Decimal.zero();
    if (!atVenue.eq(inPortfolio))
      differences.push(`${instrumentId}: venue ${atVenue}, portfolio ${inPortfolio}`);
  }
  checks.push({
    name: "the portfolio's positions equal the net of the venue's fills",
    ok: differences.length === 0,
    ...(differences.length === 0 ? {} : { detail: differences.join('; ') }),
  });
  return { ok: checks.every((check) => check.ok), checks };
}
