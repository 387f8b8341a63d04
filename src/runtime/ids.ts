import { randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';

/*
 * Ids are a per-thread random prefix plus a counter: unique across threads and restarts, and about 20x cheaper
 * than randomUUID on the per-message path.
 */
const prefix = `${randomBytes(4).toString('hex')}${threadId.toString(36)}.`;
let counter = 0;

export function nextId(): string {
  counter += 1;
  return prefix + counter.toString(36);
}

/** A fresh id for one incarnation of an endpoint (a thread hosting actors). */
export function incarnationId(): string {
  return randomBytes(6).toString('hex');
}
