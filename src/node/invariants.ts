import { executionProtocol } from '../../actors/execution/protocol.ts';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import { venueSimProtocol } from '../../actors/venue-sim/protocol.ts';
import { Decimal } from '../domain/decimal.ts';
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
 * in each instrument equals the venue's, which counts every fill there. Meaningful when the node is quiet (trading
 * halted, fills landed): in full flow a fill can be at the venue and not yet in the portfolio.
 */
export async function checkInvariants(system: ActorSystem, venue: string): Promise<InvariantReport> {
  const venueRef = system.ref(NODE_IDS.venue(venue), venueSimProtocol);
  const execution = system.ref(NODE_IDS.execution, executionProtocol);
  const [venueOpen, venuePositions, portfolio, believed] = await Promise.all([
    venueRef.ask('queryOpenOrders', {}, ASK),
    venueRef.ask('queryPositions', {}, ASK),
    system.ref(NODE_IDS.portfolio, portfolioProtocol).ask('snapshot', {}, ASK),
    execution.ask('openOrders', {}, ASK) as Promise<
      Array<{ clientOrderId: string; type: string; status: string; statusBeforePending?: string }>
    >,
  ]);
  const checks: InvariantReport['checks'] = [];

  // Execution's open orders answer for most: only the others are asked about one by one (it keeps closed ones too).
  const openInExecution = new Set(believed.map((order) => order.clientOrderId));
  const unknown: string[] = [];
  for (const record of venueOpen) {
    if (openInExecution.has(record.clientOrderId)) continue;
    const answer = await execution.ask('order', { clientOrderId: record.clientOrderId }, ASK);
    if (!answer.found) unknown.push(record.clientOrderId);
  }
  checks.push({
    name: 'every order open at the venue is known to execution',
    ok: unknown.length === 0,
    ...(unknown.length === 0 ? {} : { detail: `unknown: ${unknown.slice(0, 10).join(', ')}` }),
  });

  // Emulated orders wait in execution until the market triggers them: only orders sent on are at the venue.
  const atVenue = new Set(venueOpen.map((record) => record.clientOrderId));
  const missing: string[] = [];
  for (const order of believed) {
    if ((order.type !== 'MARKET' && order.type !== 'LIMIT') || atVenue.has(order.clientOrderId)) continue;
    const answer = await venueRef.ask('queryOrder', { clientOrderId: order.clientOrderId }, ASK);
    const there = answer.found ? answer.order.status : 'unknown';
    const before = order.statusBeforePending === undefined ? '' : ` from ${order.statusBeforePending}`;
    missing.push(`${order.clientOrderId} (execution ${order.status}${before}, venue ${there})`);
  }
  checks.push({
    name: 'every order execution holds open is open at the venue',
    ok: missing.length === 0,
    ...(missing.length === 0 ? {} : { detail: `not at the venue: ${missing.slice(0, 10).join(', ')}` }),
  });

  const portfolioNet = new Map<string, Decimal>();
  for (const position of portfolio.positions) {
    const net = portfolioNet.get(position.instrumentId) ?? Decimal.zero();
    portfolioNet.set(position.instrumentId, net.add(Decimal.parse(position.quantity)));
  }
  const differences: string[] = [];
  for (const instrumentId of new Set([...Object.keys(venuePositions), ...portfolioNet.keys()])) {
    const atVenue = Decimal.parse(venuePositions[instrumentId] ?? '0');
    const inPortfolio = portfolioNet.get(instrumentId) ?? Decimal.zero();
    if (!atVenue.eq(inPortfolio))
      differences.push(`${instrumentId}: venue ${atVenue}, portfolio ${inPortfolio}`);
  }
  checks.push({
    name: "the portfolio's positions equal the venue's (the net of every fill there)",
    ok: differences.length === 0,
    ...(differences.length === 0 ? {} : { detail: differences.join('; ') }),
  });
  return { ok: checks.every((check) => check.ok), checks };
}
