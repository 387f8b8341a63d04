/*
 * The last mark price per instrument, per portfolio actor: marks arrive at tick rate, so a fast handler keeps them
 * outside the machine (no transition per tick); unrealized PnL is computed from them when asked.
 */
const byActor = new Map<string, Map<string, string>>();

export function marksOf(actorId: string): Map<string, string> {
  let marks = byActor.get(actorId);
  if (marks === undefined) {
    marks = new Map();
    byActor.set(actorId, marks);
  }
  return marks;
}
