import { applyFill, flatPosition, type PositionFill } from '../../src/domain/position.ts';
import { defineBench } from '../lib/harness.ts';

/** Random-looking but repeatable fills: buys and sells around 20000 at 2 and 3 decimal places. */
function fills(count: number): PositionFill[] {
  return Array.from({ length: count }, (_, i) => ({
    side: i % 3 === 0 ? 'SELL' : 'BUY',
    quantity: `0.${String(100 + ((i * 37) % 900)).padStart(3, '0')}`,
    price: `${19_900 + ((i * 53) % 200)}.${String((i * 7) % 100).padStart(2, '0')}`,
    commission: '0.25',
  }));
}

/** The same position arithmetic in binary floats: fast, and wrong in the last digits (what Foxtrot refuses). */
function floatPosition(batch: PositionFill[]): number {
  let quantity = 0;
  let average = 0;
  let realized = 0;
  let commissions = 0;
  for (const fill of batch) {
    const q = Number(fill.quantity);
    const p = Number(fill.price);
    const signed = fill.side === 'BUY' ? q : -q;
    if (quantity === 0 || Math.sign(quantity) === Math.sign(signed)) {
      average = (average * Math.abs(quantity) + p * q) / Math.abs(quantity + signed);
    } else {
      const closed = Math.min(q, Math.abs(quantity));
      realized += (quantity > 0 ? p - average : average - p) * closed;
      if (Math.sign(quantity + signed) !== Math.sign(quantity) && quantity + signed !== 0) average = p;
    }
    quantity += signed;
    commissions += Number(fill.commission);
  }
  return quantity + average + realized + commissions;
}

export const fillMathBench = defineBench({
  name: 'fill-math',
  description:
    'The cost of exact decimal money math per fill (position, average price, realized PnL, commissions), against ' +
    'the same arithmetic in binary floats.',
  baseline: 'float',
  metrics: { rate: { unit: 'fills/s', better: 'higher' } },
  async setup(quick) {
    return { batch: fills(quick ? 20_000 : 100_000) };
  },
  variants: {
    float: async (c) => {
      const started = performance.now();
      floatPosition(c.batch);
      return { rate: c.batch.length / ((performance.now() - started) / 1000) };
    },
    decimal: async (c) => {
      const started = performance.now();
      let position = flatPosition('BTCUSDT.SIM');
      for (const fill of c.batch) position = applyFill(position, fill, 2);
      return { rate: c.batch.length / ((performance.now() - started) / 1000) };
    },
  },
  async teardown() {},
});
