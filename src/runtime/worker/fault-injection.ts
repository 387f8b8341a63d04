/** The ways a worker can be made to fail on purpose (chaos runs and fault tests): each is a real failure. */
export const INJECTED_FAULTS = ['throw', 'exit', 'hang', 'memory'] as const;
export type InjectedFault = (typeof INJECTED_FAULTS)[number];

export function isInjectedFault(value: unknown): value is InjectedFault {
  return typeof value === 'string' && (INJECTED_FAULTS as readonly string[]).includes(value);
}

const hoard: unknown[] = [];

function allocateForever(): void {
  // Retained chunks, a few at a time, so the heap limit is what stops it, not one giant allocation.
  for (let i = 0; i < 16; i += 1) hoard.push(new Array(1 << 18).fill(hoard.length));
  setImmediate(allocateForever);
}

/**
 * Fails the current thread the way a buggy actor would: an uncaught exception, an exit, a busy loop that stops its
 * heartbeats, or running out of memory. Scheduled, so that the control call that asked for it still returns.
 */
export function injectFault(fault: InjectedFault): void {
  setImmediate(() => {
    switch (fault) {
      case 'throw':
        throw new Error('injected fault: uncaught exception');
      case 'exit':
        process.exit(70);
        break;
      case 'hang':
        for (;;) {
          // Never returns: the thread stops answering, as a hung actor would.
        }
      case 'memory':
        allocateForever();
        break;
    }
  });
}
