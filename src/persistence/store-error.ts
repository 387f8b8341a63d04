import { FoxtrotError } from '../resilience/errors.ts';

/** A store that cannot be opened or trusted: it names the path, and nothing was written. */
export class StoreError extends FoxtrotError {
  constructor(path: string, message: string, context: Record<string, unknown> = {}) {
    super('STORE', `store ${path}: ${message}`, {
      severity: 'fatal',
      recoverable: false,
      context: { path, ...context },
    });
  }
}
