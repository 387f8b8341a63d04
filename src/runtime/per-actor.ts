import type { ActorIO } from './actor-definition.ts';

/**
 * What an actor's fast handlers and effects share (an emitter with its metrics, a router of decisions), made from
 * its io at first use, once per incarnation: a restarted actor gets a new io, and so a new one.
 */
export function perActor<T>(make: (io: ActorIO) => T): (io: ActorIO) => T {
  const made = new WeakMap<ActorIO, T>();
  return (io) => {
    let value = made.get(io);
    if (value === undefined) {
      value = make(io);
      made.set(io, value);
    }
    return value;
  };
}
