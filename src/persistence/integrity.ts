import { Decimal } from '../domain/decimal.ts';
import { readJournalHead } from './journal-head.ts';
import { DB, type JournalRecord, STREAM } from './layout.ts';
import { checkFrame, decodeCheckedRecord, decodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';
import { type OrderRecordData, orderOfRecord, seqOfView } from './views.ts';

export interface IntegrityProblem {
  /** The sub-database and the key of the record at fault. */
  db: string;
  key: unknown;
  problem: string;
}

export interface IntegrityReport {
  ok: boolean;
  journalRecords: number;
  /** The last sequence number of each stream with records. */
  heads: Record<string, number>;
  problems: IntegrityProblem[];
}

const MAX_PROBLEMS = 100;

export interface IntegrityOptions {
  /**
   * Also check that positions equal the fold of the journaled fills. Right after a kill they may not, and that
   * is no corruption: a fill execution journaled and sent may not have reached the portfolio, whose copy waits
   * in execution's saved outbox for the next start. So a node's start leaves it out; inspect of a store
   * stopped cleanly includes it.
   */
  fold?: boolean;
  /** Asked every few thousand records: true ends the check early, with a CheckStopped error. */
  stopped?: () => boolean;
}

export class CheckStopped extends Error {
  constructor() {
    super('the integrity check was stopped before it finished');
    this.name = 'CheckStopped';
  }
}

type Report = (db: string, key: unknown, problem: string) => void;

const ORDER_STREAM = STREAM.order('');

/**
 * Checks journal records handed to it in key order (a whole journal, or chosen streams each read whole): every
 * record decodes (checksums hold), each stream runs 1, 2, 3... with no gap, repeat or stray record, its head
 * matches, no fill is journaled twice, each fill is in the fills view, and each order stream's last record is the
 * one the orders view points at.
 */
class JournalCheck {
  records = 0;
  /** Order streams the orders view has an entry for. */
  viewedOrders = 0;
  /** Fills journaled (each one is checked to be in the fills view). */
  fills = 0;
  readonly heads: Record<string, number> = {};
  readonly netQuantity = new Map<string, Decimal>();
  private stream: string | undefined;
  private expected = 0;
  private tradeIds = new Set<string>();
  /** The key of the last record (not a refusal) of the order stream being read: the orders view points at it. */
  private lastOrder: [string, number] | undefined;

  /** The heads the store keeps apart (compacted streams): few, read once rather than once per stream. */
  private readonly keptHeads = new Map<string, number>();

  /** `fold`: also sum each instrument's journaled fills (netQuantity), for checkPositions. */
  constructor(
    private readonly store: FoxtrotStore,
    private readonly report: Report,
    private readonly fold: boolean,
  ) {
    for (const { key, value } of store.dbs.streams.getRange())
      this.keptHeads.set(String(key), value as number);
  }

  /** The streams whose heads the store keeps apart: the compacted ones, actors' inputs. */
  keptStreams(): string[] {
    return [...this.keptHeads.keys()];
  }

  add(key: [string, number], bytes: Uint8Array): void {
    this.records++;
    const [name, seq] = key;
    if (name !== this.stream) {
      this.endStream();
      this.stream = name;
      this.expected = seq;
      this.tradeIds = new Set();
    }
    const damaged = checkFrame(bytes);
    if (damaged !== undefined) {
      this.report(DB.journal, key, damaged);
      this.expected = seq + 1;
      return;
    }
    // Most records need only their seq and type, read off their bytes; fills (and records laid out otherwise) are
    // decoded in full.
    const order = name.startsWith(ORDER_STREAM);
    let record: JournalRecord | undefined;
    let head = readJournalHead(bytes);
    if (head === undefined || (head.type === 'Filled' && order)) {
      try {
        record = decodeCheckedRecord<JournalRecord>(bytes);
        head = record;
      } catch (error) {
        this.report(DB.journal, key, (error as Error).message);
        this.expected = seq + 1;
        return;
      }
    }
    if (head.seq !== seq) {
      this.report(DB.journal, key, `out of order: the record says seq ${head.seq} under key seq ${seq}`);
    } else if (seq !== this.expected) {
      const what = seq < this.expected ? 'repeated' : 'records missing';
      this.report(DB.journal, key, `seq ${seq} follows ${this.expected - 1}: ${what}`);
    }
    this.expected = seq + 1;
    if (!order) return;
    if (head.type === 'Filled') this.addFill(key, record as JournalRecord);
    if (head.type !== 'Refused') this.lastOrder = key;
  }

  /** Ends the stream being read: call once after the last record. */
  endStream(): void {
    const stream = this.stream;
    if (stream === undefined) return;
    if (this.lastOrder !== undefined && checkOrderView(this.store, this.lastOrder, this.report)) {
      this.viewedOrders += 1;
    }
    this.lastOrder = undefined;
    this.stream = undefined;
    this.heads[stream] = this.expected - 1;
    const head = this.keptHeads.get(stream);
    if (head !== undefined && head !== this.expected - 1) {
      this.report(DB.streams, stream, `head says ${head}, the stream ends at ${this.expected - 1}`);
    }
  }

  private addFill(key: [string, number], record: JournalRecord): void {
    const { order, event } = record.data as OrderRecordData & {
      event: { type: 'Filled'; tradeId: string; quantity: string };
    };
    if (this.tradeIds.has(event.tradeId))
      this.report(DB.journal, key, `duplicated event: fill ${event.tradeId} again`);
    this.tradeIds.add(event.tradeId);
    this.fills += 1;
    if (!this.store.dbs.fills.doesExist([order.clientOrderId, key[1]]))
      this.report(DB.fills, [order.clientOrderId, key[1]], 'journaled, but missing from the fills view');
    if (!this.fold) return;
    const signed = Decimal.parse(event.quantity);
    const delta = order.side === 'BUY' ? signed : signed.neg();
    this.netQuantity.set(
      order.instrumentId,
      (this.netQuantity.get(order.instrumentId) ?? Decimal.zero()).add(delta),
    );
  }
}

function collector(): { problems: IntegrityProblem[]; report: Report } {
  const problems: IntegrityProblem[] = [];
  const report: Report = (db, key, problem) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ db, key, problem });
  };
  return { problems, report };
}

/** Every record of the named sub-databases has a sound frame (their values are copies, flags or states). */
function checkFrames(
  store: FoxtrotStore,
  names: readonly (keyof FoxtrotStore['dbs'])[],
  report: Report,
): void {
  for (const name of names) {
    for (const { key, value } of store.dbs[name].getRange()) {
      const problem = checkFrame(value as Uint8Array);
      if (problem !== undefined) report(DB[name], key, problem);
    }
  }
}

/**
 * Checks the whole store: every journal record (see JournalCheck), the order views against their streams, every
 * other record's frame, and (with `fold`) each position against the fold of the journaled fills. Its time grows
 * with the journal: a node's start runs checkLiveState and this one in the background (see scrub.ts).
 */
export function checkIntegrity(store: FoxtrotStore, options: IntegrityOptions = {}): IntegrityReport {
  const { problems, report } = collector();
  const { dbs } = store;
  const fold = options.fold !== false;
  const journal = new JournalCheck(store, report, fold);
  const stopped = options.stopped;
  for (const { key, value } of dbs.journal.getRange()) {
    // Leaving the loop ends the range's read transaction, which a stopped thread would otherwise leave open.
    if (stopped !== undefined && (journal.records & 4095) === 0 && stopped()) throw new CheckStopped();
    journal.add(key as [string, number], value as Uint8Array);
  }
  journal.endStream();
  // Each order stream's view entry and each fill's were checked with the stream: only entries no record accounts
  // for are left to find, and each view's count (LMDB keeps it) says whether there are any.
  if (entriesOf(dbs.orders) !== journal.viewedOrders) {
    for (const id of dbs.orders.getKeys()) {
      const stream = STREAM.order(String(id));
      const records = dbs.journal.getKeysCount({ start: [stream], end: [stream, Number.MAX_SAFE_INTEGER] });
      if (records === 0) report(DB.orders, id, 'in the view, but the journal has no stream for it');
    }
  }
  if (entriesOf(dbs.fills) !== journal.fills) {
    for (const key of dbs.fills.getKeys()) {
      const [id, seq] = key as [string, number];
      const record = dbs.journal.get([STREAM.order(id), seq]) as Uint8Array | undefined;
      if (record === undefined || readJournalHead(record)?.type !== 'Filled')
        report(DB.fills, key, 'in the view, but the journal has no such fill');
    }
  }
  checkFrames(store, ['openOrders', 'ordersByStatus', 'fills', 'fillsByTime', 'accounts', 'actors'], report);
  if (fold) checkPositions(store, journal.netQuantity, report);
  return { ok: problems.length === 0, journalRecords: journal.records, heads: journal.heads, problems };
}

/**
 * Checks what a node's start reads and trades on, in time that grows with the live state rather than the
 * history: every actor's saved state and the inputs it will replay (the compacted streams), each open order's
 * stream and view entry, and the position and balance records. The rest of the journal (closed orders' streams,
 * fills) is checked by checkIntegrity, which a node runs in the background once it is up.
 */
export function checkLiveState(store: FoxtrotStore): IntegrityReport {
  const { problems, report } = collector();
  const { dbs } = store;
  const journal = new JournalCheck(store, report, false);
  const checkStream = (stream: string) => {
    for (const { key, value } of dbs.journal.getRange({
      start: [stream],
      end: [stream, Number.MAX_SAFE_INTEGER],
    })) {
      journal.add(key as [string, number], value as Uint8Array);
    }
    journal.endStream();
  };
  for (const stream of journal.keptStreams()) checkStream(stream);
  for (const { key, value } of dbs.openOrders.getRange()) {
    const problem = checkFrame(value as Uint8Array);
    if (problem !== undefined) report(DB.openOrders, key, problem);
    const stream = STREAM.order(String(key));
    checkStream(stream);
    if (journal.heads[stream] === undefined)
      report(DB.openOrders, key, 'open, but the journal has no stream for it');
  }
  checkFrames(store, ['actors', 'positions', 'accounts'], report);
  return { ok: problems.length === 0, journalRecords: journal.records, heads: journal.heads, problems };
}

function entriesOf(db: { getStats(): unknown }): number {
  return (db.getStats() as { entryCount: number }).entryCount;
}

/**
 * The orders view must point at the order stream's last record (not a refusal). Whether the view has an entry for
 * the order at all.
 */
function checkOrderView(store: FoxtrotStore, last: [string, number], report: Report): boolean {
  const id = last[0].slice(ORDER_STREAM.length);
  const value = store.dbs.orders.get(id) as Uint8Array | undefined;
  let seq: number | undefined;
  if (value !== undefined) {
    try {
      seq = seqOfView(value);
    } catch (error) {
      report(DB.orders, id, (error as Error).message);
      return true;
    }
    if (seq === last[1]) return true;
  }
  // Only a mismatch needs the stream's last order: its status says what the view lacks.
  const lastStatus = orderOfRecord(store.dbs.journal.get(last) as Uint8Array).status;
  if (seq === undefined) {
    report(DB.orders, id, `missing from the view; its stream ends at ${lastStatus}`);
    return false;
  }
  report(DB.orders, id, `view points at record ${seq}, the stream ends at record ${last[1]} (${lastStatus})`);
  return true;
}

function checkPositions(store: FoxtrotStore, netQuantity: Map<string, Decimal>, report: Report): void {
  const { dbs } = store;
  const held = new Map<string, Decimal>();
  for (const { key, value } of dbs.positions.getRange()) {
    try {
      const position = decodeRecord<{ instrumentId: string; quantity: string }>(value as Uint8Array);
      held.set(
        position.instrumentId,
        (held.get(position.instrumentId) ?? Decimal.zero()).add(Decimal.parse(position.quantity)),
      );
    } catch (error) {
      report(DB.positions, key, (error as Error).message);
    }
  }
  for (const instrumentId of new Set([...netQuantity.keys(), ...held.keys()])) {
    const folded = netQuantity.get(instrumentId) ?? Decimal.zero();
    const quantity = held.get(instrumentId) ?? Decimal.zero();
    if (!quantity.eq(folded)) {
      report(DB.positions, instrumentId, `positions hold ${quantity}, but the journaled fills net ${folded}`);
    }
  }
}
