import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import { DEFAULT_CONFIG } from '../../src/node/config.ts';

/** The instrument the order-path benches trade: the one a node trades on its defaults. */
export const benchSpec: InstrumentSpec = DEFAULT_CONFIG.venue.instruments.find(
  (spec) => spec.id === 'BTCUSDT.SIM',
) as InstrumentSpec;
