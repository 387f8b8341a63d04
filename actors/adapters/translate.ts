import type { OrderRequest } from '../../src/domain/order.ts';
import { OrderRequestSchema } from '../../src/domain/schemas.ts';

/** The fields of an order that make up a venue's request; what execution adds (status, fills) stays behind. */
const REQUEST_FIELDS = Object.keys(OrderRequestSchema.properties) as Array<keyof OrderRequest>;

/**
 * Execution's order (a request plus its state) as a venue request. The venue's schema allows no other field, and
 * an absent optional field must be absent, not undefined, to survive the trip between threads unchanged.
 */
export function toVenueRequest(order: Record<string, unknown>): OrderRequest {
  const request: Record<string, unknown> = {};
  for (const field of REQUEST_FIELDS) {
    if (order[field] !== undefined) request[field] = order[field];
  }
  return request as unknown as OrderRequest;
}
