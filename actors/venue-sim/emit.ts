import type { ActorIO, MessageMeta } from '../../src/index.ts';
import type { VenueContext } from './venue-state.ts';

/**
 * Sends what the venue's last message or timer produced (its `outbox`). What a message caused keeps its
 * correlation; an order's reports carry its trace, even when a later market move brings them.
 */
export function emitOutbox(io: ActorIO, context: VenueContext, meta: MessageMeta | undefined): void {
  const options = meta === undefined ? {} : { correlationId: meta.correlationId };
  for (const emission of context.outbox) {
    if ('warn' in emission) io.log.warn({ detail: emission.detail }, emission.warn);
    else if (emission.traceparent === undefined)
      io.tell(emission.to, emission.type, emission.payload, options);
    else
      io.tell(emission.to, emission.type, emission.payload, {
        ...options,
        traceparent: emission.traceparent,
      });
  }
}
