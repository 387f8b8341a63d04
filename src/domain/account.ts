import { Decimal } from './decimal.ts';

/** A cash balance in one currency: the total, and how much of it open orders hold (locked). Free = total - locked. */
export interface Balance {
  total: string;
  locked: string;
}

export type Balances = Record<string, Balance>;

export function freeOf(balance: Balance | undefined): Decimal {
  if (balance === undefined) return Decimal.zero();
  return Decimal.parse(balance.total).sub(Decimal.parse(balance.locked));
}

/** Adds `amount` (negative to take away) to a currency's total. */
export function credit(balances: Balances, currency: string, amount: Decimal): Balances {
  const current = balances[currency] ?? { total: '0', locked: '0' };
  return {
    ...balances,
    [currency]: { ...current, total: Decimal.parse(current.total).add(amount).toString() },
  };
}

/** Adds `amount` (negative to release) to what a currency has locked, never below zero. */
export function lock(balances: Balances, currency: string, amount: Decimal): Balances {
  const current = balances[currency] ?? { total: '0', locked: '0' };
  let locked = Decimal.parse(current.locked).add(amount);
  if (locked.sign < 0) locked = Decimal.zero();
  return { ...balances, [currency]: { ...current, locked: locked.toString() } };
}
