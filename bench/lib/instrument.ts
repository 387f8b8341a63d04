import type { InstrumentSpec } from '../../src/domain/instrument.ts';

/** The instrument the order-path benches trade. */
export const benchSpec: InstrumentSpec = {
  id: 'BTCUSDT.SIM',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  pricePrecision: 2,
  sizePrecision: 3,
  tickSize: '0.01',
};
