import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runScript } from '../../src/node/script/run-script.ts';

const instrument =
  '{"instrument": {"id": "BTCUSDT.SIM", "baseCurrency": "BTC", "quoteCurrency": "USDT", "pricePrecision": 2, "sizePrecision": 3, "tickSize": "0.01", "minQuantity": "0.010", "maxQuantity": "10"}}';
const order = (id: string, extra = '') =>
  `{"submit": {"clientOrderId": "${id}", "strategyId": "s", "instrumentId": "BTCUSDT.SIM", "side": "BUY", "type": "LIMIT", "quantity": "1", "price": "20000.00"${extra}}}`;
const venue = (id: string, event: string) => `{"venue": {"clientOrderId": "${id}", "event": ${event}}}`;

async function run(lines: string[]): Promise<Array<Record<string, unknown>>> {
  const out: string[] = [];
  await runScript(lines.join('\n'), (line) => out.push(line));
  return out.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const orderEvents = (events: Array<Record<string, unknown>>, id: string) =>
  events
    .filter((e) => e.type === 'orderEvent' && e.clientOrderId === id)
    .map((e) => `${e.event}:${e.status}`);

describe('foxtrot script', () => {
  it('runs a full lifecycle: submit, accept, partial fill, fill, position, balance', async () => {
    const events = await run([
      instrument,
      '{"deposit": {"currency": "USDT", "amount": "100000"}}',
      order('o-1'),
      venue('o-1', '{"type": "Accepted"}'),
      venue('o-1', '{"type": "Filled", "tradeId": "T1", "quantity": "0.4", "price": "20000.00"}'),
      venue(
        'o-1',
        '{"type": "Filled", "tradeId": "T2", "quantity": "0.6", "price": "20000.00", "commission": "1.5"}',
      ),
    ]);
    expect(orderEvents(events, 'o-1')).toEqual([
      'Submitted:SUBMITTED',
      'Accepted:ACCEPTED',
      'Filled:PARTIALLY_FILLED',
      'Filled:FILLED',
    ]);
    const positions = events.filter((e) => e.kind === 'position');
    expect(positions.at(-1)).toMatchObject({ instrumentId: 'BTCUSDT.SIM', line: 6 });
    expect(Number(positions.at(-1)?.quantity)).toBe(1);
    const usdt = events.filter((e) => e.kind === 'balance' && e.currency === 'USDT').at(-1);
    expect(Number(usdt?.free)).toBe(100000 - 20000 - 1.5);
  });

  const denials: Array<[string, string[], string]> = [
    ['INSTRUMENT_UNKNOWN', [order('d', '').replace('BTCUSDT.SIM', 'ETHUSDT.SIM')], 'INSTRUMENT_UNKNOWN'],
    ['PRICE_INVALID', [order('d').replace('20000.00', '20000.001')], 'PRICE_INVALID'],
    [
      'QUANTITY_BELOW_MIN',
      [order('d').replace('"quantity": "1"', '"quantity": "0.009"')],
      'QUANTITY_BELOW_MIN',
    ],
    ['QUANTITY_ABOVE_MAX', [order('d').replace('"quantity": "1"', '"quantity": "11"')], 'QUANTITY_ABOVE_MAX'],
    ['INSUFFICIENT_BALANCE', [order('d')], 'INSUFFICIENT_BALANCE'],
    [
      'NOTIONAL_ABOVE_ORDER_MAX',
      ['{"limits": {"maxNotionalPerOrder": "100"}}', order('d')],
      'NOTIONAL_ABOVE_ORDER_MAX',
    ],
    [
      'POSITION_LIMIT',
      [
        '{"deposit": {"currency": "USDT", "amount": "100000"}}',
        '{"limits": {"maxPosition": {"BTCUSDT.SIM": "0.5"}}}',
        order('d'),
      ],
      'POSITION_LIMIT',
    ],
    [
      'MAX_OPEN_ORDERS',
      [
        '{"deposit": {"currency": "USDT", "amount": "100000"}}',
        '{"limits": {"maxOpenOrders": 1}}',
        order('a'),
        order('d'),
      ],
      'MAX_OPEN_ORDERS',
    ],
    [
      'DUPLICATE_ORDER',
      ['{"deposit": {"currency": "USDT", "amount": "100000"}}', order('d'), order('d')],
      'DUPLICATE_ORDER',
    ],
    [
      'TRADING_HALTED',
      [
        '{"deposit": {"currency": "USDT", "amount": "100000"}}',
        '{"tradingState": {"state": "HALTED", "reason": "test"}}',
        order('d'),
      ],
      'TRADING_HALTED',
    ],
    [
      'TRADING_REDUCING',
      [
        '{"deposit": {"currency": "USDT", "amount": "100000"}}',
        '{"limits": {"dailyLossLimit": "10"}}',
        '{"dailyPnl": {"pnl": "-11"}}',
        order('d'),
      ],
      'TRADING_REDUCING',
    ],
    [
      'GTD_EXPIRED',
      [
        '{"deposit": {"currency": "USDT", "amount": "100000"}}',
        order('d', ', "timeInForce": "GTD", "expireTime": 1767225600000'),
      ],
      'GTD_EXPIRED',
    ],
    [
      'REDUCE_ONLY',
      ['{"deposit": {"currency": "USDT", "amount": "100000"}}', order('d', ', "reduceOnly": true')],
      'REDUCE_ONLY',
    ],
    [
      'SUBMIT_RATE',
      [
        '{"deposit": {"currency": "USDT", "amount": "1000000"}}',
        '{"limits": {"submitRatePerSecond": 1}}',
        order('a'),
        order('d'),
      ],
      'SUBMIT_RATE',
    ],
  ];
  for (const [name, lines, reason] of denials) {
    it(`denies with ${name}, and the order never reaches the venue`, async () => {
      const events = await run([instrument, ...lines]);
      const decision = events.filter((e) => e.type === 'decision').at(-1);
      expect(decision).toMatchObject({ clientOrderId: 'd', approved: false, reason });
      // The first of two orders with the same id was sent; the denied one never is.
      const sent = events.filter((e) => e.type === 'submit' && e.clientOrderId === 'd').length;
      expect(sent).toBe(reason === 'DUPLICATE_ORDER' ? 1 : 0);
    });
  }

  it('returns an order whose cancel is rejected to its prior status', async () => {
    const events = await run([
      instrument,
      '{"deposit": {"currency": "USDT", "amount": "100000"}}',
      order('o-1'),
      venue('o-1', '{"type": "Accepted"}'),
      '{"cancel": {"clientOrderId": "o-1"}}',
      venue('o-1', '{"type": "CancelRejected", "reason": "too late"}'),
    ]);
    expect(orderEvents(events, 'o-1').slice(-2)).toEqual([
      'PendingCancel:PENDING_CANCEL',
      'CancelRejected:ACCEPTED',
    ]);
  });

  it('modifies through risk and the venue; a rejected modify returns the order to its prior status', async () => {
    const modify = (price: string) =>
      `{"modify": {"clientOrderId": "o-1", "instrumentId": "BTCUSDT.SIM", "price": "${price}"}}`;
    const events = await run([
      instrument,
      '{"deposit": {"currency": "USDT", "amount": "100000"}}',
      order('o-1'),
      venue('o-1', '{"type": "Accepted"}'),
      modify('20100.00'),
      venue('o-1', '{"type": "Updated", "price": "20100.00"}'),
      modify('20200.00'),
      venue('o-1', '{"type": "ModifyRejected", "reason": "price moved"}'),
      modify('20200.005'),
    ]);
    expect(orderEvents(events, 'o-1').slice(2)).toEqual([
      'PendingUpdate:PENDING_UPDATE',
      'Updated:ACCEPTED',
      'PendingUpdate:PENDING_UPDATE',
      'ModifyRejected:ACCEPTED',
      // The last modify, denied by risk, is reported to the order's owner the same way; it never reaches the venue.
      'ModifyRejected:ACCEPTED',
    ]);
    const decisions = events.filter((e) => e.type === 'decision' && e.clientOrderId === 'o-1');
    expect(decisions.at(-1)).toMatchObject({ approved: false, reason: 'PRICE_INVALID' });
    expect(events.filter((e) => e.type === 'modify').length).toBe(2);
  });

  it('ignores a duplicate fill and takes a late fill after a cancel', async () => {
    const events = await run([
      instrument,
      '{"deposit": {"currency": "USDT", "amount": "100000"}}',
      order('o-1'),
      venue('o-1', '{"type": "Accepted"}'),
      venue('o-1', '{"type": "Filled", "tradeId": "T1", "quantity": "0.5", "price": "20000.00"}'),
      venue('o-1', '{"type": "Filled", "tradeId": "T1", "quantity": "0.5", "price": "20000.00"}'),
      venue('o-1', '{"type": "Canceled"}'),
      venue('o-1', '{"type": "Filled", "tradeId": "T2", "quantity": "0.5", "price": "20000.00"}'),
      venue('o-1', '{"type": "Accepted"}'),
    ]);
    expect(orderEvents(events, 'o-1')).toEqual([
      'Submitted:SUBMITTED',
      'Accepted:ACCEPTED',
      'Filled:PARTIALLY_FILLED',
      'Canceled:CANCELED',
      'Filled:FILLED',
      'Refused:FILLED',
    ]);
  });

  it('names the line and the field of a bad line, and goes on', async () => {
    const events = await run([
      instrument,
      '{"submit": {"clientOrderId": "x", "strategyId": "s", "instrumentId": "BTCUSDT.SIM", "side": "BUY", "type": "LIMIT", "quantity": "NaN", "price": "1"}}',
      'not json',
      '{"teleport": {}}',
      '{"cancel": {"clientOrderId": "nope"}}',
    ]);
    const errors = events.filter((e) => 'error' in e);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(errors[0]?.error).toMatch(/submit\/quantity/);
    expect(errors[2]?.error).toMatch(/unknown line kind 'teleport'/);
  });

  it('runs from the command line, with the exit code saying whether every line was good', () => {
    const result = spawnSync(
      process.execPath,
      ['bin/foxtrot.mjs', 'script', 'docs/examples/lifecycle.jsonl'],
      {
        encoding: 'utf8',
        env: { ...process.env, FOXTROT_LOG_LEVEL: 'error' },
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"event":"Filled","status":"FILLED"');
    const missing = spawnSync(process.execPath, ['bin/foxtrot.mjs', 'script', 'no-such-file.jsonl'], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read script no-such-file.jsonl');
  });

  describe('order types the venue lacks, emulated from market data', () => {
    const stop = (id: string, side: string, type: string, fields: string) =>
      `{"submit": {"clientOrderId": "${id}", "strategyId": "s", "instrumentId": "BTCUSDT.SIM", "side": "${side}", "type": "${type}", "quantity": "1"${fields}}}`;
    const price = (p: string) => `{"price": {"instrumentId": "BTCUSDT.SIM", "price": "${p}"}}`;
    const sent = (events: Array<Record<string, unknown>>) =>
      events.filter((e) => e.type === 'submit').map((e) => `${e.clientOrderId}:${e.orderType}@${e.line}`);

    it('holds a stop until the market reaches it, then sends it as a market order', async () => {
      const events = await run([
        instrument,
        '{"deposit": {"currency": "BTC", "amount": "2"}}',
        price('20000.00'),
        stop('s-1', 'SELL', 'STOP_MARKET', ', "triggerPrice": "19900.00"'),
        price('19950.00'),
        price('19900.00'),
        venue('s-1', '{"type": "Accepted", "venueOrderId": "V1"}'),
        venue('s-1', '{"type": "Filled", "tradeId": "T1", "quantity": "1", "price": "19899.00"}'),
      ]);
      expect(orderEvents(events, 's-1')).toEqual([
        'Submitted:SUBMITTED',
        'Accepted:ACCEPTED',
        'Triggered:TRIGGERED',
        'Filled:FILLED',
      ]);
      expect(sent(events)).toEqual(['s-1:MARKET@6']);
    });

    it('trails a trailing stop behind the best price and releases it on the turn', async () => {
      const events = await run([
        instrument,
        '{"deposit": {"currency": "BTC", "amount": "2"}}',
        price('20000.00'),
        stop('t-1', 'SELL', 'TRAILING_STOP_MARKET', ', "trailingOffset": "100.00"'),
        price('20000.00'),
        price('20300.00'),
        price('20250.00'),
        price('20200.00'),
      ]);
      // The trigger followed 20,300 to 20,200: the fall to 20,200 releases it, and not the dip to 20,250.
      expect(sent(events)).toEqual(['t-1:MARKET@8']);
    });

    it('releases an if-touched limit as a limit, and cancels an unreleased order without the venue', async () => {
      const events = await run([
        instrument,
        '{"deposit": {"currency": "USDT", "amount": "100000"}}',
        price('20000.00'),
        stop('l-1', 'BUY', 'LIMIT_IF_TOUCHED', ', "triggerPrice": "19800.00", "price": "19810.00"'),
        stop('l-2', 'BUY', 'STOP_LIMIT', ', "triggerPrice": "20500.00", "price": "20510.00"'),
        '{"cancel": {"clientOrderId": "l-2"}}',
        '{"price": {"instrumentId": "BTCUSDT.SIM", "price": "19850.00", "bid": "19790.00", "ask": "19800.00"}}',
      ]);
      expect(sent(events)).toEqual(['l-1:LIMIT@7']);
      expect(orderEvents(events, 'l-2')).toEqual([
        'Submitted:SUBMITTED',
        'Accepted:ACCEPTED',
        'PendingCancel:PENDING_CANCEL',
        'Canceled:CANCELED',
      ]);
      expect(events.filter((e) => e.type === 'cancel')).toEqual([]);
    });
  });

  it('asks the venue about an order it has not answered, then reports it', async () => {
    const events = await run([
      instrument,
      '{"deposit": {"currency": "USDT", "amount": "100000"}}',
      order('q-1'),
      order('q-2'),
      venue('q-2', '{"type": "Accepted"}'),
      '{"advance": 4999}',
      '{"advance": 1}',
      '{"advance": 5000}',
      '{"advance": 5000}',
      '{"advance": 5000}',
    ]);
    const queries = events.filter((e) => e.type === 'queryOrder').map((e) => `${e.clientOrderId}@${e.line}`);
    expect(queries).toEqual(['q-1@7', 'q-1@8', 'q-1@9']);
    const problem = events.find((e) => e.type === 'executionProblem');
    expect(problem).toMatchObject({ line: 10, clientOrderId: 'q-1' });
    expect(String(problem?.reason)).toContain('has not answered about SUBMITTED order q-1 after 3 queries');
  });
});
