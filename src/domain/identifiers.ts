import { ValidationError } from '../resilience/errors.ts';

const INSTRUMENT_ID = /^([A-Za-z0-9][A-Za-z0-9_/-]*)\.([A-Z0-9][A-Z0-9_-]*)$/;

/** An instrument's id in the familiar `SYMBOL.VENUE` form, e.g. `BTCUSDT.SIM`. */
export interface InstrumentId {
  value: string;
  symbol: string;
  venue: string;
}

export function parseInstrumentId(text: string, what = 'instrument id'): InstrumentId {
  const match = typeof text === 'string' ? INSTRUMENT_ID.exec(text) : null;
  if (match === null) {
    throw new ValidationError(
      `${what}: ${JSON.stringify(text)} is not of the form SYMBOL.VENUE (like BTCUSDT.SIM)`,
      {
        what,
      },
    );
  }
  return { value: text, symbol: match[1] as string, venue: match[2] as string };
}

const CLIENT_ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function assertClientOrderId(text: unknown, what = 'clientOrderId'): asserts text is string {
  if (typeof text !== 'string' || !CLIENT_ORDER_ID.test(text)) {
    throw new ValidationError(
      `${what}: ${JSON.stringify(text)} must be 1-64 letters, digits or . _ : - (starting with a letter or digit)`,
      { what },
    );
  }
}

/**
 * Client order ids unique across restarts: the owner (a strategy id), the time the generator was created, and a
 * counter. A restarted owner makes a new generator, whose creation time is later, so ids never repeat.
 */
export class ClientOrderIdGenerator {
  private counter = 0;
  private readonly stem: string;

  constructor(owner: string, startedAt: number = Date.now()) {
    this.stem = `${owner}-${startedAt.toString(36)}-`;
    assertClientOrderId(`${this.stem}0`, 'client order id owner');
  }

  next(): string {
    this.counter += 1;
    return `${this.stem}${this.counter}`;
  }
}
