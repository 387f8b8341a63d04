import { assign, setup } from 'xstate';
import { Decimal } from '../../src/domain/decimal.ts';
import { type Instrument, type InstrumentSpec, instrumentOf } from '../../src/domain/instrument.ts';
import type { OrderRequest } from '../../src/domain/order.ts';
import { rememberRecent } from '../../src/domain/recent-ids.ts';
import type { ProtocolEvent } from '../../src/index.ts';
import { checkModify, checkSubmit, type RiskView, type TradingState } from './checks.ts';
import { type RiskLimitsInput, type riskProtocol, STORE_CHECK, waitLabel } from './protocol.ts';
import type { Denial } from './reasons.ts';
import { emptyWindow, Throttle, type ThrottleWindow } from './throttle.ts';

export interface RiskContext {
  limits: RiskLimitsInput;
  instruments: Record<string, InstrumentSpec>;
  positions: Record<string, string>;
  balances: Record<string, string>;
  /**
   * Approved orders not yet closed, as they stand (a modify is checked against it): mutated in place, since order
   * flow must not copy it per order.
   */
  openOrders: Record<string, OrderRequest>;
  openOrderCount: number;
  /** Client order ids seen recently (bounded), for duplicate detection. */
  knownOrderIds: Record<string, true>;
  /** The same ids in arrival order, to forget the oldest beyond KNOWN_IDS_KEPT. */
  knownOrderQueue: string[];
  submitWindow: ThrottleWindow;
  modifyWindow: ThrottleWindow;
  executionId: string;
  eventSinks: string[];
  /** The last screening's outcome: the actor's route carries it out, and traces show it in the state. */
  lastDecision?: RiskDecision;
  /** The node start this state belongs to (see RiskInput.bootId). */
  bootId: string | undefined;
  /**
   * Venues not reconciled since the node started, with why, and the store's check (STORE_CHECK) while it runs:
   * while any is here, no order passes.
   */
  reconciling: Record<string, string>;
  /** Why trading is in its state: the reason given with the last setTradingState, or the loss limit's breach. */
  stateReason?: string | undefined;
  /** The state to return to at the node's next start: set by a stop's HALTED (setTradingState untilRestart). */
  resumeAs?: TradingState | undefined;
}

export interface RiskDecision {
  kind: 'submit' | 'modify';
  clientOrderId: string;
  approved: boolean;
  reason?: Denial['reason'];
  message?: string;
  order?: OrderRequest;
  modify?: Extract<RiskEvent, { type: 'modify' }>['payload'];
}

export interface RiskInput {
  limits?: RiskLimitsInput;
  instruments?: InstrumentSpec[];
  /** Where approved orders go. Default `execution`. */
  executionId?: string;
  /** Actors told of every change of trading state and limits, and of every denial. */
  eventSinks?: string[];
  /**
   * Venues whose adapters must report a reconciliation (venueReconciled) before any order passes: at a node's
   * start, execution's recovered orders are only what it knew, and trading on them before the venue has said what
   * happened since would be guessing.
   */
  venues?: string[];
  /**
   * Trading also waits for the store's whole check at this start (see `storeChecked`): the node's start checked only
   * what it reads, and a store found corrupt later must not have been traded on.
   */
  storeCheck?: boolean;
  /**
   * Names this start of the node. A risk engine restored from saved state with a different boot id belongs to a
   * node that restarted, and waits for its venues again; the same id means only this actor restarted.
   */
  bootId?: string;
}

const NOT_YET = 'not yet reconciled since the node started';

function awaiting(input: RiskInput | undefined): Record<string, string> {
  const waits: Record<string, string> = Object.fromEntries(
    (input?.venues ?? []).map((venue) => [venue, NOT_YET]),
  );
  if (input?.storeCheck) waits[STORE_CHECK] = 'the store is being checked';
  return waits;
}

function newBoot(context: RiskContext, event: RiskEvent): boolean {
  return (
    event.type === 'restored' && event.input?.bootId !== undefined && event.input.bootId !== context.bootId
  );
}

/** The denial every order gets while a venue awaits reconciliation. */
function unreconciled(reconciling: Record<string, string>): Denial | undefined {
  const venues = Object.entries(reconciling);
  if (venues.length === 0) return undefined;
  return {
    reason: 'TRADING_HALTED',
    message: `trading is halted until the venues are reconciled and the store checked: ${venues
      .map(([v, why]) => `${waitLabel(v)} (${why})`)
      .join(', ')}`,
  };
}

const KNOWN_IDS_KEPT = 10_000;
const DEFAULT_RATE = 100;

/*
 * The checks read positions, balances and instruments as parsed values. The records are replaced, never changed
 * in place, when a position, balance or instrument changes, so each is parsed once per record, not once per order.
 */
const parsedDecimals = new WeakMap<Record<string, string>, Map<string, Decimal>>();
const parsedInstruments = new WeakMap<Record<string, InstrumentSpec>, Map<string, Instrument>>();

function decimals(record: Record<string, string>): Map<string, Decimal> {
  let parsed = parsedDecimals.get(record);
  if (parsed === undefined) {
    parsed = new Map(Object.entries(record).map(([key, value]) => [key, Decimal.parse(value)]));
    parsedDecimals.set(record, parsed);
  }
  return parsed;
}

function instruments(record: Record<string, InstrumentSpec>): Map<string, Instrument> {
  let parsed = parsedInstruments.get(record);
  if (parsed === undefined) {
    parsed = new Map(Object.entries(record).map(([id, spec]) => [id, instrumentOf(spec)]));
    parsedInstruments.set(record, parsed);
  }
  return parsed;
}

function viewOf(
  context: RiskContext,
  tradingState: TradingState,
  now: number,
  lastPrices: ReadonlyMap<string, Decimal>,
): RiskView {
  return {
    now,
    tradingState,
    ...(context.stateReason === undefined ? {} : { stateReason: context.stateReason }),
    limits: context.limits,
    instruments: instruments(context.instruments),
    positions: decimals(context.positions),
    freeBalances: decimals(context.balances),
    lastPrices,
    openOrders: context.openOrderCount,
    knownOrderIds: { has: (clientOrderId) => context.knownOrderIds[clientOrderId] === true },
    submitThrottle: new Throttle(
      context.limits.submitRatePerSecond ?? DEFAULT_RATE,
      1000,
      context.submitWindow,
    ),
  };
}

export type RiskEvent =
  | ProtocolEvent<typeof riskProtocol>
  /** Sent by the runtime when the engine resumes from saved state (see the definition's `restored`). */
  | { type: 'restored'; input: RiskInput | undefined; meta?: undefined };
type ModifyRequest = Extract<RiskEvent, { type: 'modify' }>['payload'];

/** The order as a modify would leave it. */
export function modifiedOrder(order: OrderRequest, modify: ModifyRequest): OrderRequest {
  return {
    ...order,
    ...(modify.quantity === undefined ? {} : { quantity: modify.quantity }),
    ...(modify.price === undefined ? {} : { price: modify.price }),
    ...(modify.triggerPrice === undefined ? {} : { triggerPrice: modify.triggerPrice }),
  };
}

/**
 * Screens a modify: the order must be open here; the order as modified passes the same checks as a submit (but
 * those that count orders), then the modify throttle.
 */
function screenModify(
  context: RiskContext,
  tradingState: TradingState,
  modify: ModifyRequest,
  now: number,
  lastPrices: ReadonlyMap<string, Decimal>,
): Denial | undefined {
  const order = context.openOrders[modify.clientOrderId];
  if (order === undefined) {
    return {
      reason: 'ORDER_NOT_OPEN',
      message: `order ${modify.clientOrderId} is not open here (unknown, denied or closed)`,
    };
  }
  if (order.instrumentId !== modify.instrumentId) {
    return {
      reason: 'INSTRUMENT_MISMATCH',
      message: `order ${modify.clientOrderId} is for ${order.instrumentId}, not ${modify.instrumentId}`,
    };
  }
  const denial = checkModify(
    modifiedOrder(order, modify),
    order,
    viewOf(context, tradingState, now, lastPrices),
  );
  if (denial !== undefined) return denial;
  const throttle = new Throttle(
    context.limits.modifyRatePerSecond ?? DEFAULT_RATE,
    1000,
    context.modifyWindow,
  );
  if (!throttle.tryAcquire(now)) {
    return {
      reason: 'MODIFY_RATE',
      message: `more than ${throttle.limit} modifies in ${throttle.windowMs} ms`,
    };
  }
  return undefined;
}

/**
 * Screens a submit in the trading state the engine is in, at `now` (the message's timestamp, so that a backtest's
 * simulated clock drives the throttle, whose window takes the order when it passes), and records it in place
 * (order flow must not copy the open orders or the known ids per order): the id as seen, the order as open when it
 * passes, the decision as `lastDecision`.
 */
export function decideSubmit(
  context: RiskContext,
  tradingState: TradingState,
  order: OrderRequest,
  now: number,
  lastPrices: ReadonlyMap<string, Decimal>,
): RiskDecision {
  const denial =
    unreconciled(context.reconciling) ?? checkSubmit(order, viewOf(context, tradingState, now, lastPrices));
  const { knownOrderIds } = context;
  knownOrderIds[order.clientOrderId] = true;
  rememberRecent(context.knownOrderQueue, order.clientOrderId, KNOWN_IDS_KEPT, (id) => {
    delete knownOrderIds[id];
  });
  const decision: RiskDecision = {
    kind: 'submit',
    clientOrderId: order.clientOrderId,
    approved: !denial,
    order,
  };
  if (denial) {
    context.lastDecision = { ...decision, ...denial };
  } else {
    context.openOrders[order.clientOrderId] = order;
    context.openOrderCount += 1;
    context.lastDecision = decision;
  }
  return context.lastDecision;
}

/** Screens a modify in the trading state the engine is in, and records the decision as `lastDecision`. */
export function decideModify(
  context: RiskContext,
  tradingState: TradingState,
  modify: ModifyRequest,
  now: number,
  lastPrices: ReadonlyMap<string, Decimal>,
): RiskDecision {
  const denial =
    unreconciled(context.reconciling) ?? screenModify(context, tradingState, modify, now, lastPrices);
  const decision: RiskDecision = {
    kind: 'modify',
    clientOrderId: modify.clientOrderId,
    approved: !denial,
    modify,
  };
  context.lastDecision = denial ? { ...decision, ...denial } : decision;
  return context.lastDecision;
}

/** An approved order's fields changed at its venue: the open order as it now stands, for later modifies. */
export function noteOrderUpdated(
  context: RiskContext,
  update: Extract<RiskEvent, { type: 'orderUpdated' }>['payload'],
): boolean {
  const order = context.openOrders[update.clientOrderId];
  if (order === undefined) return false;
  context.openOrders[order.clientOrderId] = modifiedOrder(order, {
    ...update,
    instrumentId: order.instrumentId,
  });
  return true;
}

/** An order that can no longer fill: no longer counted as open. */
export function noteOrderClosed(context: RiskContext, clientOrderId: string): boolean {
  if (context.openOrders[clientOrderId] === undefined) return false;
  delete context.openOrders[clientOrderId];
  context.openOrderCount -= 1;
  return true;
}

/** The entry action of each trading state: its change published, with the reason when one was given. */
const announce = (state: TradingState) =>
  ({
    type: 'publish',
    params: ({ context }: { context: RiskContext }) => ({
      event: 'TradingStateChanged',
      detail: { state, ...(context.stateReason === undefined ? {} : { reason: context.stateReason }) },
    }),
  }) as const;

/**
 * The risk engine's modes are its states: ACTIVE, REDUCING (only orders that reduce a position pass) and HALTED
 * (no submits or modifies; cancels always pass). Orders come at order rate, so the actor's fast handlers screen
 * them (decideSubmit, decideModify) in the state they meet, without a transition each, and keep positions and
 * balances as the portfolio reports them; the machine holds what they read, and its transitions change modes and
 * limits. It does no I/O: replies and published
 * events are actions its definition provides.
 */
export const riskMachine = setup({
  types: {
    context: {} as RiskContext,
    events: {} as RiskEvent,
    input: {} as RiskInput | undefined,
  },
  actions: {
    publish: (_, _params: { event: string; detail: Record<string, unknown> }) => undefined,
    answerStatus: (_, _params: { meta: RiskEvent['meta'] }) => undefined,
    noteResume: assign(({ event, self }) => {
      if (event.type !== 'setTradingState') return {};
      const stateReason = event.payload.reason;
      if (!event.payload.untilRestart) return { resumeAs: undefined, stateReason };
      return { resumeAs: self.getSnapshot().value as TradingState, stateReason };
    }),
    /** A new start of the node: its venues must be reconciled again, and a stop's HALTED is over. */
    boot: assign(({ context, event }) => {
      const input = event.type === 'restored' ? event.input : undefined;
      // Returning to the state before a stop's HALTED: the stop's reason is over too.
      const over = context.resumeAs === undefined ? {} : { stateReason: undefined };
      return { bootId: input?.bootId, reconciling: awaiting(input), resumeAs: undefined, ...over };
    }),
  },
  guards: {
    lossLimitBreached: ({ context, event }) => {
      if (event.type !== 'dailyPnl' || context.limits.dailyLossLimit === undefined) return false;
      return Decimal.parse(event.payload.pnl).lt(Decimal.parse(context.limits.dailyLossLimit).neg());
    },
  },
}).createMachine({
  id: 'risk',
  context: ({ input }) => ({
    limits: input?.limits ?? {},
    instruments: Object.fromEntries((input?.instruments ?? []).map((spec) => [spec.id, spec])),
    positions: {},
    balances: {},
    openOrders: {},
    openOrderCount: 0,
    knownOrderIds: {},
    knownOrderQueue: [],
    submitWindow: emptyWindow(),
    modifyWindow: emptyWindow(),
    executionId: input?.executionId ?? 'execution',
    eventSinks: input?.eventSinks ?? [],
    bootId: input?.bootId,
    reconciling: awaiting(input),
  }),
  initial: 'ACTIVE',
  on: {
    setTradingState: [
      { guard: ({ event }) => event.payload.state === 'ACTIVE', target: '.ACTIVE', actions: 'noteResume' },
      {
        guard: ({ event }) => event.payload.state === 'REDUCING',
        target: '.REDUCING',
        actions: 'noteResume',
      },
      { target: '.HALTED', actions: 'noteResume' },
    ],
    setLimits: {
      actions: [
        assign({ limits: ({ context, event }) => ({ ...context.limits, ...event.payload.limits }) }),
        {
          type: 'publish',
          params: ({ event }) => ({ event: 'LimitsChanged', detail: event.payload.limits }),
        },
      ],
    },
    instrument: {
      actions: assign({
        instruments: ({ context, event }) => ({
          ...context.instruments,
          [event.payload.spec.id]: event.payload.spec,
        }),
      }),
    },
    status: { actions: { type: 'answerStatus', params: ({ event }) => ({ meta: event.meta }) } },
    restored: [
      ...(['ACTIVE', 'REDUCING', 'HALTED'] as const).map((state) => ({
        guard: ({ context, event }: { context: RiskContext; event: RiskEvent }) =>
          newBoot(context, event) && context.resumeAs === state,
        target: `.${state}`,
        actions: 'boot' as const,
      })),
      { guard: ({ context, event }) => newBoot(context, event), actions: 'boot' },
    ],
    venueReconciled: {
      guard: ({ context, event }) => event.payload.venue in context.reconciling,
      actions: [
        assign({
          reconciling: ({ context, event }) => {
            const { [event.payload.venue]: _done, ...rest } = context.reconciling;
            return rest;
          },
        }),
        {
          type: 'publish',
          params: ({ event }) => ({ event: 'VenueReconciled', detail: { venue: event.payload.venue } }),
        },
      ],
    },
    storeChecked: {
      guard: ({ context }) => STORE_CHECK in context.reconciling,
      actions: [
        assign({
          reconciling: ({ context }) => {
            const { [STORE_CHECK]: _done, ...rest } = context.reconciling;
            return rest;
          },
        }),
        { type: 'publish', params: { event: 'StoreChecked', detail: {} } },
      ],
    },
    venueUnreconciled: {
      guard: ({ context, event }) => event.payload.venue in context.reconciling,
      actions: assign({
        reconciling: ({ context, event }) => ({
          ...context.reconciling,
          [event.payload.venue]: event.payload.reason,
        }),
      }),
    },
  },
  states: {
    ACTIVE: {
      entry: announce('ACTIVE'),
      on: {
        dailyPnl: {
          guard: 'lossLimitBreached',
          target: 'REDUCING',
          actions: [
            assign({ stateReason: ({ event }) => `daily loss limit breached: PnL ${event.payload.pnl}` }),
            {
              type: 'publish',
              params: ({ event }) => ({
                event: 'DailyLossLimitBreached',
                detail: { pnl: event.payload.pnl },
              }),
            },
          ],
        },
      },
    },
    REDUCING: { entry: announce('REDUCING') },
    HALTED: { entry: announce('HALTED') },
  },
});
