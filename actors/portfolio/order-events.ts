import { isClosed, type OrderStatus } from '../../src/domain/order-status.ts';

/*
 * What the portfolio needs of execution's order events: execution sends by these, so that it depends on the
 * portfolio's contract and not on its books.
 */

/** The fields of an order the portfolio reads. */
export interface PortfolioOrder {
  clientOrderId: string;
  instrumentId: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  filledQuantity: string;
  price?: string;
  status: string;
  positionId?: string;
}

/**
 * Whether an order event can change what the order holds locked: its submission, or its close other than by a
 * fill (a fill releases its own part). Execution sends the portfolio only these; the rest would change nothing.
 */
export function changesReservation(eventType: string, status: string): boolean {
  return eventType === 'Submitted' || (isClosed(status as OrderStatus) && eventType !== 'Filled');
}

/** What execution sends of an order: the fields the portfolio reads, rather than the whole order. */
export function portfolioOrderOf(order: PortfolioOrder): PortfolioOrder {
  const { clientOrderId, instrumentId, side, quantity, filledQuantity, price, status, positionId } = order;
  const slim: PortfolioOrder = { clientOrderId, instrumentId, side, quantity, filledQuantity, status };
  if (price !== undefined) slim.price = price;
  if (positionId !== undefined) slim.positionId = positionId;
  return slim;
}
