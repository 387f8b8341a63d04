export const ORDER_STATUSES = [
  'INITIALIZED',
  'DENIED',
  'SUBMITTED',
  'ACCEPTED',
  'REJECTED',
  'CANCELED',
  'EXPIRED',
  'TRIGGERED',
  'PENDING_UPDATE',
  'PENDING_CANCEL',
  'PARTIALLY_FILLED',
  'FILLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Every status an order may move to from each status: the whole order state machine as data. INITIALIZED may move
 * to venue statuses directly for orders the venue reports that this node did not send. Returning from
 * PENDING_UPDATE / PENDING_CANCEL after a rejected modify or cancel is the one move outside this table.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  INITIALIZED: ['DENIED', 'SUBMITTED', 'ACCEPTED', 'REJECTED', 'CANCELED', 'EXPIRED', 'TRIGGERED'],
  DENIED: [],
  SUBMITTED: [
    'PENDING_UPDATE',
    'PENDING_CANCEL',
    'REJECTED',
    'CANCELED',
    'ACCEPTED',
    'PARTIALLY_FILLED',
    'FILLED',
  ],
  ACCEPTED: [
    'REJECTED',
    'PENDING_UPDATE',
    'PENDING_CANCEL',
    'CANCELED',
    'TRIGGERED',
    'EXPIRED',
    'PARTIALLY_FILLED',
    'FILLED',
  ],
  REJECTED: [],
  CANCELED: ['PARTIALLY_FILLED', 'FILLED'],
  EXPIRED: [],
  TRIGGERED: [
    'REJECTED',
    'PENDING_UPDATE',
    'PENDING_CANCEL',
    'CANCELED',
    'EXPIRED',
    'PARTIALLY_FILLED',
    'FILLED',
  ],
  PENDING_UPDATE: [
    'REJECTED',
    'ACCEPTED',
    'CANCELED',
    'EXPIRED',
    'TRIGGERED',
    'PENDING_UPDATE',
    'PENDING_CANCEL',
    'PARTIALLY_FILLED',
    'FILLED',
  ],
  PENDING_CANCEL: [
    'REJECTED',
    'PENDING_CANCEL',
    'CANCELED',
    'EXPIRED',
    'ACCEPTED',
    'PARTIALLY_FILLED',
    'FILLED',
  ],
  PARTIALLY_FILLED: ['PENDING_UPDATE', 'PENDING_CANCEL', 'CANCELED', 'EXPIRED', 'PARTIALLY_FILLED', 'FILLED'],
  FILLED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Statuses from which nothing but late fills can follow. */
export function isClosed(status: OrderStatus): boolean {
  return (
    status === 'DENIED' ||
    status === 'REJECTED' ||
    status === 'CANCELED' ||
    status === 'EXPIRED' ||
    status === 'FILLED'
  );
}

/** Statuses in which the order may still be working at the venue. */
export function isOpen(status: OrderStatus): boolean {
  return (
    status === 'ACCEPTED' ||
    status === 'TRIGGERED' ||
    status === 'PENDING_UPDATE' ||
    status === 'PENDING_CANCEL' ||
    status === 'PARTIALLY_FILLED'
  );
}
