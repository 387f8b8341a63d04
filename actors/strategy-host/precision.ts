import type { Decimal } from '../../src/domain/decimal.ts';
import { type InstrumentSpec, instrumentOf } from '../../src/domain/instrument.ts';

/** The price on the instrument's tick grid, rounded toward `rounding`, at its price precision. */
export function priceOnTick(price: Decimal, spec: InstrumentSpec, rounding: 'DOWN' | 'UP'): Decimal {
  const tick = instrumentOf(spec).tickSize;
  return price.div(tick, 0, rounding).mul(tick).rescale(spec.pricePrecision);
}

/** A size at the instrument's size precision, rounded down so that it never exceeds what was asked. */
export function sizeAtPrecision(size: Decimal, spec: InstrumentSpec): Decimal {
  return size.rescale(spec.sizePrecision, 'DOWN');
}
