// Envelopes shaped like Foxtrot's, for the raw baselines and the peers that make their own: a per-thread random
// prefix and a counter for the id, the correlation id the same as the id, as createEnvelope does when none is given.

/** A function making envelopes, each with a fresh id. */
export function envelopeFactory() {
  const prefix = `${Math.random().toString(16).slice(2, 10)}.`;
  let counter = 0;
  return (from, to, type, payload) => {
    counter += 1;
    const id = prefix + counter.toString(36);
    return { id, from, to, type, payload, timestamp: Date.now(), correlationId: id };
  };
}
