import { Decimal } from '../../src/domain/decimal.ts';
import type { Instrument } from '../../src/domain/instrument.ts';
import type { OrderRequest } from '../../src/domain/order.ts';
import { hasLimitPrice, hasTrigger, isTrailing } from '../../src/domain/order-types.ts';
import type { Denial, RiskReason } from './reasons.ts';
import type { Throttle } from './throttle.ts';

export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface RiskLimits {
  /** Largest notional of one order, in its quote currency. */
  maxNotionalPerOrder?: string;
  /** Largest absolute position per instrument id, after the order. */
  maxPosition?: Record<string, string>;
  maxOpenOrders?: number;
}

/** What the checks read: everything is given, so the same checks run in a worker, inline and in a backtest. */
export interface RiskView {
  now: number;
  tradingState: TradingState;
  /** Why trading is in its state, when someone said (a person, the portfolio, the loss limit). */
  stateReason?: string;
  limits: RiskLimits;
  instruments: ReadonlyMap<string, Instrument>;
  /** Signed position quantity per instrument id. */
  positions: ReadonlyMap<string, Decimal>;
  /** Free balance per currency. */
  freeBalances: ReadonlyMap<string, Decimal>;
  /** Last known price per instrument id, for market orders' notional. */
  lastPrices: ReadonlyMap<string, Decimal>;
  openOrders: number;
  /** Client order ids seen already (open or recent). */
  knownOrderIds: { has(clientOrderId: string): boolean };
  submitThrottle: Throttle;
}

const deny = (reason: RiskReason, message: string): Denial => ({ reason, message });

/** Whether the order only reduces the current position (opposite side, no larger than it). */
export function reducesPosition(
  order: Pick<OrderRequest, 'side'>,
  quantity: Decimal,
  position: Decimal,
): boolean {
  if (position.isZero()) return false;
  const opposite = position.sign > 0 ? order.side === 'SELL' : order.side === 'BUY';
  return opposite && quantity.lte(position.abs());
}

/**
 * The pre-trade checks, in their fixed order; the first that fails denies the order. Returns undefined when every
 * check passes. A check that throws denies the order too (fail closed): see `checkSubmit`. For a modify, `order`
 * is the order as it would be after the change and `previous` as it is: the checks that count orders (open orders,
 * duplicates, the submit rate) do not apply, and the balance check asks only for what the change adds.
 */
function runOrderChecks(order: OrderRequest, view: RiskView, previous?: OrderRequest): Denial | undefined {
  const instrument = view.instruments.get(order.instrumentId);
  if (instrument === undefined)
    return deny('INSTRUMENT_UNKNOWN', `instrument ${order.instrumentId} is not known`);

  let price: Decimal | undefined;
  if (hasLimitPrice(order.type)) {
    const checked = order.price === undefined ? 'a price is required' : instrument.checkPrice(order.price);
    if (typeof checked === 'string') return deny('PRICE_INVALID', checked);
    price = checked;
  } else if (order.price !== undefined) {
    return deny('PRICE_INVALID', `a ${order.type} order takes no price`);
  }
  if (hasTrigger(order.type)) {
    const field = isTrailing(order.type) ? 'trailingOffset' : 'triggerPrice';
    const text = isTrailing(order.type) ? order.trailingOffset : order.triggerPrice;
    const checked = text === undefined ? `${field} is required` : instrument.checkPrice(text, field);
    if (typeof checked === 'string') return deny('TRIGGER_PRICE_INVALID', checked);
    if (price === undefined && !isTrailing(order.type)) price = checked;
  }

  const quantity = instrument.checkQuantity(order.quantity);
  if (typeof quantity === 'string') return deny('QUANTITY_INVALID', quantity);
  if (instrument.minQuantity && quantity.lt(instrument.minQuantity)) {
    return deny(
      'QUANTITY_BELOW_MIN',
      `quantity ${order.quantity} is below the minimum ${instrument.spec.minQuantity}`,
    );
  }
  if (instrument.maxQuantity && quantity.gt(instrument.maxQuantity)) {
    return deny(
      'QUANTITY_ABOVE_MAX',
      `quantity ${order.quantity} is above the maximum ${instrument.spec.maxQuantity}`,
    );
  }
  if (order.timeInForce === 'GTD' && (order.expireTime === undefined || order.expireTime <= view.now)) {
    return deny('GTD_EXPIRED', `expireTime ${order.expireTime} is not after now (${view.now})`);
  }

  const position = view.positions.get(order.instrumentId) ?? Decimal.zero();
  const reducing = reducesPosition(order, quantity, position);
  const notionalPrice = price ?? view.lastPrices.get(order.instrumentId);
  const needsNotional =
    view.limits.maxNotionalPerOrder !== undefined ||
    instrument.minNotional ||
    instrument.maxNotional ||
    !reducing;
  if (notionalPrice === undefined && needsNotional) {
    return deny(
      'NO_PRICE_FOR_NOTIONAL',
      `no price for ${order.instrumentId} yet to value a ${order.type} order`,
    );
  }
  if (notionalPrice !== undefined) {
    const notional = instrument.notional(notionalPrice, quantity);
    const limit = view.limits.maxNotionalPerOrder;
    if (limit !== undefined && notional.gt(Decimal.parse(limit))) {
      return deny('NOTIONAL_ABOVE_ORDER_MAX', `notional ${notional} exceeds the per-order maximum ${limit}`);
    }
    if (instrument.minNotional && notional.lt(instrument.minNotional)) {
      return deny(
        'NOTIONAL_BELOW_INSTRUMENT_MIN',
        `notional ${notional} is below ${instrument.spec.minNotional}`,
      );
    }
    if (instrument.maxNotional && notional.gt(instrument.maxNotional)) {
      return deny(
        'NOTIONAL_ABOVE_INSTRUMENT_MAX',
        `notional ${notional} is above ${instrument.spec.maxNotional}`,
      );
    }
    const sellReducingLong = order.side === 'SELL' && position.sign > 0 && reducing;
    if (!sellReducingLong) {
      const currency = order.side === 'BUY' ? instrument.quoteCurrency : instrument.baseCurrency;
      const needed = neededBalance(order, notional, quantity).sub(
        previous === undefined ? Decimal.zero() : previousNeed(previous, instrument, notionalPrice),
      );
      const free = view.freeBalances.get(currency) ?? Decimal.zero();
      if (needed.gt(free)) {
        return deny('INSUFFICIENT_BALANCE', `needs ${needed} ${currency}, ${free} free`);
      }
    }
  }

  const maxPosition = view.limits.maxPosition?.[order.instrumentId];
  if (maxPosition !== undefined) {
    const after = position.add(order.side === 'BUY' ? quantity : quantity.neg());
    if (after.abs().gt(Decimal.parse(maxPosition))) {
      return deny('POSITION_LIMIT', `position after the order ${after} would exceed ${maxPosition}`);
    }
  }
  const maxOpen = view.limits.maxOpenOrders;
  if (previous === undefined && maxOpen !== undefined && view.openOrders >= maxOpen) {
    return deny('MAX_OPEN_ORDERS', `${view.openOrders} orders open, the maximum is ${maxOpen}`);
  }
  if (previous === undefined && view.knownOrderIds.has(order.clientOrderId)) {
    return deny('DUPLICATE_ORDER', `client order id ${order.clientOrderId} was already submitted`);
  }
  const why = view.stateReason === undefined ? '' : ` (${view.stateReason})`;
  if (view.tradingState === 'HALTED')
    return deny('TRADING_HALTED', `trading is halted${why}: no submits or modifies`);
  if (view.tradingState === 'REDUCING' && !reducing) {
    return deny('TRADING_REDUCING', `trading is reducing${why}: only orders that reduce the position pass`);
  }
  if (order.reduceOnly && !reducing) {
    return deny('REDUCE_ONLY', `reduce-only order would not reduce the position (${position})`);
  }
  if (previous === undefined && !view.submitThrottle.tryAcquire(view.now)) {
    return deny(
      'SUBMIT_RATE',
      `more than ${view.submitThrottle.limit} submits in ${view.submitThrottle.windowMs} ms`,
    );
  }
  return undefined;
}

/** What an order needs free: a buy its notional in the quote currency, a sell its quantity in the base. */
function neededBalance(order: OrderRequest, notional: Decimal, quantity: Decimal): Decimal {
  return order.side === 'BUY' ? notional : quantity;
}

/** What the order before a modify already holds, valued the way the modified order is. */
function previousNeed(previous: OrderRequest, instrument: Instrument, fallbackPrice: Decimal): Decimal {
  const quantity = Decimal.parse(previous.quantity);
  const price =
    previous.price !== undefined
      ? Decimal.parse(previous.price)
      : previous.triggerPrice !== undefined
        ? Decimal.parse(previous.triggerPrice)
        : fallbackPrice;
  return neededBalance(previous, instrument.notional(price, quantity), quantity);
}

function failClosed(run: () => Denial | undefined): Denial | undefined {
  try {
    return run();
  } catch (error) {
    return deny('CHECK_FAILED', `a risk check failed, so the order is denied: ${(error as Error).message}`);
  }
}

/** Runs the submit checks; a check that throws denies the order (fail closed) with the error's message. */
export function checkSubmit(order: OrderRequest, view: RiskView): Denial | undefined {
  return failClosed(() => runOrderChecks(order, view));
}

/**
 * Runs the checks on an order as a modify would leave it (`previous` is the order as it stands), fail closed.
 * The form of the new fields, the notional limits, the balance for what the change adds, the position limit,
 * the trading state and reduce-only all apply again.
 */
export function checkModify(
  modified: OrderRequest,
  previous: OrderRequest,
  view: RiskView,
): Denial | undefined {
  return failClosed(() => runOrderChecks(modified, view, previous));
}
