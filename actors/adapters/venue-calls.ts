import type { OrderRequest } from '../../src/domain/order.ts';
import type { CircuitBreaker } from '../../src/resilience/circuit-breaker.ts';
import type { Belief } from './reconcile.ts';
import type { VenueClient, VenueModify, VenueOrderRecord } from './venue-client.ts';

/** A call the adapter's machine asks its effects to make: plain data, so that it shows in traces. */
export type VenueCall =
  | { kind: 'submit'; clientOrderId: string; order: OrderRequest }
  | { kind: 'modify'; clientOrderId: string; change: VenueModify }
  | { kind: 'cancel'; clientOrderId: string }
  | { kind: 'queryOrder'; clientOrderId: string; belief: Belief }
  | { kind: 'subscribe'; instrumentId: string };

export type CallResult = { kind: 'queryOrder'; record: VenueOrderRecord | undefined } | { kind: 'sent' };

function perform(client: VenueClient, call: VenueCall): Promise<CallResult> {
  switch (call.kind) {
    case 'submit':
      return client.submit(call.order).then(sent);
    case 'modify':
      return client.modify(call.change).then(sent);
    case 'cancel':
      return client.cancel(call.clientOrderId).then(sent);
    case 'subscribe':
      return client.subscribe(call.instrumentId).then(sent);
    case 'queryOrder':
      return client.queryOrder(call.clientOrderId).then((record) => ({ kind: 'queryOrder', record }));
  }
}

const sent = (): CallResult => ({ kind: 'sent' });

/** Makes the call through the breaker: an open circuit refuses it at once with CircuitOpenError. */
export function callVenue(
  client: VenueClient,
  breaker: CircuitBreaker,
  call: VenueCall,
): Promise<CallResult> {
  return breaker.call(() => perform(client, call));
}
