import { createNoopMeter } from '@opentelemetry/api';
import { rootLogger } from '../telemetry/logger.ts';
import type { ActorIO } from './actor-definition.ts';

/**
 * Effects that do nothing: for running an actor's cell off the message path (restoring and replaying it to read
 * its state, in a bench or a test), where nothing it would send may leave. Asks never settle.
 */
export function silentIO(self: string): ActorIO {
  return {
    self,
    log: rootLogger(),
    meter: createNoopMeter(),
    now: () => 0,
    tell: () => true,
    ask: () => new Promise<never>(() => undefined),
    reply: () => undefined,
    room: (_to, limit = Number.POSITIVE_INFINITY) => limit,
    writable: () => Promise.resolve(),
    journal: () => undefined,
  };
}
