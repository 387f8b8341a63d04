import { describe, expect, it } from 'vitest';
import { TimeBars } from '../../actors/market-data/bars.ts';
import { midOf } from '../../actors/market-data/mid.ts';
import { Decimal } from '../../src/domain/decimal.ts';

const d = (text: string) => Decimal.parse(text);

describe('time bars', () => {
  it('builds OHLCV from trades and closes a bar when a tick arrives at its end', () => {
    const bars = new TimeBars('BTCUSDT.SIM', 1000);
    expect(bars.trade(d('100.0'), d('1'), 1000)).toBeUndefined();
    expect(bars.trade(d('101.5'), d('0.5'), 1200)).toBeUndefined();
    expect(bars.trade(d('99.5'), d('2'), 1500)).toBeUndefined();
    expect(bars.trade(d('100.5'), d('0.25'), 1999)).toBeUndefined();
    expect(bars.trade(d('102.0'), d('1'), 2000)).toEqual({
      instrumentId: 'BTCUSDT.SIM',
      intervalMs: 1000,
      start: 1000,
      open: '100.0',
      high: '101.5',
      low: '99.5',
      close: '100.5',
      volume: '3.75',
      ticks: 4,
    });
  });

  it('uses quote mids, with volume 0, only for an interval without trades', () => {
    const bars = new TimeBars('X.SIM', 100);
    bars.mid(d('10.0'), 0);
    bars.mid(d('10.4'), 50);
    expect(bars.mid(d('10.2'), 100)).toMatchObject({
      open: '10.0',
      high: '10.4',
      close: '10.4',
      volume: '0',
      ticks: 2,
    });
    bars.trade(d('11'), d('3'), 150);
    const mixed = bars.mid(d('50'), 250);
    expect(mixed).toMatchObject({
      start: 100,
      open: '11',
      high: '11',
      low: '11',
      close: '11',
      volume: '3',
      ticks: 1,
    });
  });

  it('closes on the timer once the interval has ended, and makes no bar for intervals without ticks', () => {
    const bars = new TimeBars('X.SIM', 100);
    bars.trade(d('1'), d('1'), 120);
    expect(bars.closeUntil(199)).toBeUndefined();
    expect(bars.closeUntil(200)).toMatchObject({ start: 100, close: '1' });
    expect(bars.closeUntil(10_000)).toBeUndefined();
    expect(bars.trade(d('2'), d('1'), 950)).toBeUndefined();
    expect(bars.trade(d('3'), d('1'), 1300)).toMatchObject({ start: 900, close: '2' });
  });

  it('leaves late ticks out instead of reopening a closed interval', () => {
    const bars = new TimeBars('X.SIM', 100);
    bars.trade(d('1'), d('1'), 120);
    bars.closeUntil(250);
    expect(bars.trade(d('9'), d('1'), 150)).toBeUndefined();
    bars.trade(d('2'), d('1'), 310);
    expect(bars.trade(d('9'), d('1'), 299)).toBeUndefined();
    expect(bars.late).toBe(2);
    expect(bars.closeUntil(400)).toMatchObject({ start: 300, open: '2', high: '2', ticks: 1 });
  });
});

describe('quote mid', () => {
  it('is exact at the quote precision, and rounds a half-way mid to even', () => {
    expect(midOf(d('100.00'), d('100.02')).toString()).toBe('100.01');
    expect(midOf(d('100.00'), d('100.01')).toString()).toBe('100.00');
    expect(midOf(d('100.01'), d('100.02')).toString()).toBe('100.02');
    expect(midOf(d('99'), d('100.5')).toString()).toBe('99.8');
  });
});
