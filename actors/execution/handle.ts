import type { ExecutionEvent } from './machine.ts';
import {
  adopt,
  applyTick,
  applyVenueEvent,
  deny,
  type Emission,
  type OrderBookState,
  requestChange,
  submit,
  sweep,
} from './orders.ts';

/** The messages that change orders: execution's fast handlers take them, with no machine transition each. */
export type OrderFlowMessage = Extract<
  ExecutionEvent,
  {
    type:
      | 'submitOrder'
      | 'orderDenied'
      | 'modifyOrder'
      | 'modifyDenied'
      | 'cancelOrder'
      | 'venueEvent'
      | 'adoptOrder'
      | 'marketPrice'
      | 'checkInFlight';
  }
>;

/** Runs a handler; what it cannot do (an unknown order or instrument) becomes a problem report, not a crash. */
function handled(clientOrderId: string, run: () => Emission[]): Emission[] {
  try {
    return run();
  } catch (error) {
    return [{ kind: 'problem', clientOrderId, reason: (error as Error).message }];
  }
}

/**
 * Applies one order-flow message to the book, in place, at the message's time, and returns what execution must
 * tell others. Pure but for the book it is given.
 */
export function handleOrderFlow(book: OrderBookState, event: OrderFlowMessage): Emission[] {
  const now = event.meta.timestamp;
  switch (event.type) {
    case 'submitOrder':
      return handled(event.payload.order.clientOrderId, () => submit(book, event.payload.order, now));
    case 'orderDenied': {
      const reason = event.payload.reason ?? 'denied';
      return handled(event.payload.order.clientOrderId, () => deny(book, event.payload.order, reason, now));
    }
    case 'modifyOrder': {
      const { clientOrderId, instrumentId: _instrument, ...change } = event.payload;
      return handled(clientOrderId, () => requestChange(book, clientOrderId, 'modify', change, now));
    }
    case 'cancelOrder':
      return handled(event.payload.clientOrderId, () =>
        requestChange(book, event.payload.clientOrderId, 'cancel', {}, now),
      );
    case 'venueEvent':
      return handled(event.payload.clientOrderId, () =>
        applyVenueEvent(book, event.payload.clientOrderId, event.payload.event, now),
      );
    case 'adoptOrder':
      return handled(event.payload.order.clientOrderId, () => adopt(book, event.payload.order, now));
    case 'marketPrice':
      return handled('', () => applyTick(book, event.payload, now));
    case 'checkInFlight':
      return handled('', () => sweep(book, now));
    case 'modifyDenied': {
      const order = book.orders[event.payload.clientOrderId];
      const reason = event.payload.reason ?? 'denied';
      if (order === undefined) {
        return [
          {
            kind: 'problem',
            clientOrderId: event.payload.clientOrderId,
            reason: 'modify denied for an unknown order',
          },
        ];
      }
      return [{ kind: 'orderEvent', order, event: { type: 'ModifyRejected', reason } }];
    }
  }
}
