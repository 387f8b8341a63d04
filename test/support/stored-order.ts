/** An order as execution journals it: a limit buy of 1 BTCUSDT.SIM at 100, in `status`, with `filled` filled. */
export const storedOrder = (id: string, status: string, filled = '0') => ({
  clientOrderId: id,
  strategyId: 's',
  instrumentId: 'BTCUSDT.SIM',
  side: 'BUY',
  type: 'LIMIT',
  quantity: '1',
  price: '100',
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: false,
  status,
  filledQuantity: filled,
  filledNotional: '0',
  tradeIds: [],
});
