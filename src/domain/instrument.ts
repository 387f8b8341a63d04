import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValidationError } from '../resilience/errors.ts';
import { Decimal } from './decimal.ts';
import { type InstrumentId, parseInstrumentId } from './identifiers.ts';

const DecimalText = Type.String({ pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$' });

/** How an instrument is described in config, scripts and messages. */
export const InstrumentSpecSchema = Type.Object(
  {
    id: Type.String({ minLength: 3 }),
    baseCurrency: Type.String({ minLength: 1 }),
    quoteCurrency: Type.String({ minLength: 1 }),
    pricePrecision: Type.Integer({ minimum: 0, maximum: 18 }),
    sizePrecision: Type.Integer({ minimum: 0, maximum: 18 }),
    tickSize: DecimalText,
    lotSize: Type.Optional(DecimalText),
    minQuantity: Type.Optional(DecimalText),
    maxQuantity: Type.Optional(DecimalText),
    minNotional: Type.Optional(DecimalText),
    maxNotional: Type.Optional(DecimalText),
  },
  { additionalProperties: false },
);

export type InstrumentSpec = {
  id: string;
  baseCurrency: string;
  quoteCurrency: string;
  pricePrecision: number;
  sizePrecision: number;
  tickSize: string;
  lotSize?: string;
  minQuantity?: string;
  maxQuantity?: string;
  minNotional?: string;
  maxNotional?: string;
};

const specCheck = TypeCompiler.Compile(InstrumentSpecSchema);

const bySpec = new WeakMap<InstrumentSpec, Instrument>();

/**
 * The Instrument for a spec kept in actor state (plain data), made once per spec object: actors check every
 * order against it, and parsing its limits each time would cost more than the checks.
 */
export function instrumentOf(spec: InstrumentSpec): Instrument {
  let instrument = bySpec.get(spec);
  if (instrument === undefined) {
    instrument = new Instrument(spec);
    bySpec.set(spec, instrument);
  }
  return instrument;
}

/**
 * A tradable instrument: its id, currencies, the precision of its prices and sizes, and its limits. Prices and
 * quantities for it are checked here, so every component agrees on what a valid one is.
 */
export class Instrument {
  readonly id: InstrumentId;
  readonly baseCurrency: string;
  readonly quoteCurrency: string;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly tickSize: Decimal;
  readonly lotSize: Decimal | undefined;
  readonly minQuantity: Decimal | undefined;
  readonly maxQuantity: Decimal | undefined;
  readonly minNotional: Decimal | undefined;
  readonly maxNotional: Decimal | undefined;

  constructor(readonly spec: InstrumentSpec) {
    if (!specCheck.Check(spec)) {
      const first = specCheck.Errors(spec).First();
      throw new ValidationError(
        `instrument ${JSON.stringify((spec as { id?: unknown })?.id)}: ${first?.path} ${first?.message}`,
      );
    }
    this.id = parseInstrumentId(spec.id);
    this.baseCurrency = spec.baseCurrency;
    this.quoteCurrency = spec.quoteCurrency;
    this.pricePrecision = spec.pricePrecision;
    this.sizePrecision = spec.sizePrecision;
    const where = `instrument ${spec.id}`;
    this.tickSize = Decimal.parse(spec.tickSize, `${where}: tickSize`);
    if (this.tickSize.sign <= 0 || this.tickSize.exceedsScale(spec.pricePrecision)) {
      throw new ValidationError(
        `${where}: tickSize ${spec.tickSize} must be positive, at pricePrecision ${spec.pricePrecision}`,
      );
    }
    const optional = (text: string | undefined, field: string) =>
      text === undefined ? undefined : Decimal.parse(text, `${where}: ${field}`);
    this.lotSize = optional(spec.lotSize, 'lotSize');
    this.minQuantity = optional(spec.minQuantity, 'minQuantity');
    this.maxQuantity = optional(spec.maxQuantity, 'maxQuantity');
    this.minNotional = optional(spec.minNotional, 'minNotional');
    this.maxNotional = optional(spec.maxNotional, 'maxNotional');
    if (this.minQuantity && this.maxQuantity && this.minQuantity.gt(this.maxQuantity)) {
      throw new ValidationError(
        `${where}: minQuantity ${spec.minQuantity} exceeds maxQuantity ${spec.maxQuantity}`,
      );
    }
    if (this.minNotional && this.maxNotional && this.minNotional.gt(this.maxNotional)) {
      throw new ValidationError(
        `${where}: minNotional ${spec.minNotional} exceeds maxNotional ${spec.maxNotional}`,
      );
    }
  }

  /** A price for this instrument, or a reason it is not one: positive, at price precision, on the tick. */
  checkPrice(text: string, field = 'price'): Decimal | string {
    let price: Decimal;
    try {
      price = Decimal.parse(text, field);
    } catch (error) {
      return (error as Error).message;
    }
    if (price.sign <= 0) return `${field} ${text} must be positive`;
    if (price.exceedsScale(this.pricePrecision)) {
      return `${field} ${text} has more than ${this.pricePrecision} decimal places (${this.id.value} price precision)`;
    }
    if (!price.isMultipleOf(this.tickSize))
      return `${field} ${text} is not a multiple of the tick size ${this.spec.tickSize}`;
    return price.rescale(this.pricePrecision);
  }

  /** A quantity for this instrument, or a reason it is not one: positive, at size precision, on the lot. */
  checkQuantity(text: string, field = 'quantity'): Decimal | string {
    let quantity: Decimal;
    try {
      quantity = Decimal.parse(text, field);
    } catch (error) {
      return (error as Error).message;
    }
    if (quantity.sign <= 0) return `${field} ${text} must be positive`;
    if (quantity.exceedsScale(this.sizePrecision)) {
      return `${field} ${text} has more than ${this.sizePrecision} decimal places (${this.id.value} size precision)`;
    }
    if (this.lotSize && !quantity.isMultipleOf(this.lotSize)) {
      return `${field} ${text} is not a multiple of the lot size ${this.spec.lotSize}`;
    }
    return quantity.rescale(this.sizePrecision);
  }

  /** Price times quantity, exact, in the quote currency. */
  notional(price: Decimal, quantity: Decimal): Decimal {
    return price.mul(quantity);
  }
}
