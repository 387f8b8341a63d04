/** What one subscriber wants of one instrument. */
export interface Subscription {
  quotes: boolean;
  trades: boolean;
  barIntervalMs?: number;
}

/** Subscriber id to instrument id to what it wants; a new subscribe to the same instrument replaces the old. */
export type Subscriptions = Record<string, Record<string, Subscription>>;

export interface BarRoute {
  intervalMs: number;
  subscribers: string[];
}

/** Who gets what of one instrument, precomputed so that the tick path only walks arrays. */
export interface Route {
  quotes: string[];
  trades: string[];
  bars: BarRoute[];
}

/**
 * A subscribe that names no kind of data wants quotes and trades; one that names any gets only what it names
 * (a bar-only subscriber is not sent every tick).
 */
export function subscriptionOf(request: {
  quotes?: boolean;
  trades?: boolean;
  barIntervalMs?: number;
}): Subscription {
  const namesAny =
    request.quotes !== undefined || request.trades !== undefined || request.barIntervalMs !== undefined;
  return {
    quotes: request.quotes ?? !namesAny,
    trades: request.trades ?? !namesAny,
    ...(request.barIntervalMs === undefined ? {} : { barIntervalMs: request.barIntervalMs }),
  };
}

export function routesOf(subscriptions: Subscriptions): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const [subscriber, instruments] of Object.entries(subscriptions)) {
    for (const [instrumentId, wants] of Object.entries(instruments)) {
      routes[instrumentId] ??= { quotes: [], trades: [], bars: [] };
      const route = routes[instrumentId];
      if (wants.quotes) route.quotes.push(subscriber);
      if (wants.trades) route.trades.push(subscriber);
      if (wants.barIntervalMs === undefined) continue;
      const interval = wants.barIntervalMs;
      const bars = route.bars.find((entry) => entry.intervalMs === interval);
      if (bars === undefined) route.bars.push({ intervalMs: interval, subscribers: [subscriber] });
      else bars.subscribers.push(subscriber);
    }
  }
  return routes;
}
