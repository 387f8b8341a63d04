import { ValidationError } from '../src/resilience/errors.ts';
import type { ChildSpec, Shutdown, SupervisorFlags, SupervisorSpec } from './child-spec.ts';

const STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one', 'simple_one_for_one'];
const RESTART_TYPES = ['permanent', 'transient', 'temporary'];

export const DEFAULT_INTENSITY = 1;
export const DEFAULT_PERIOD_MS = 5000;
export const DEFAULT_WORKER_SHUTDOWN_MS = 5000;

/** A supervisor spec with every default filled in. */
export type NormalizedSupervisorSpec<TStart = unknown> = SupervisorSpec<TStart> & {
  flags: Required<Pick<SupervisorFlags, 'strategy' | 'intensity' | 'periodMs'>> &
    Pick<SupervisorFlags, 'backoff'>;
};

function fail(where: string, problem: string): never {
  throw new ValidationError(`${where}: ${problem}`, { where });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function checkShutdown(where: string, shutdown: unknown): Shutdown {
  if (shutdown === 'brutal_kill' || shutdown === 'infinity') return shutdown;
  if (typeof shutdown === 'number' && Number.isInteger(shutdown) && shutdown >= 0) return shutdown;
  return fail(
    where,
    `shutdown ${JSON.stringify(shutdown)} is not a non-negative integer (ms), 'brutal_kill' or 'infinity'`,
  );
}

function checkFlags(where: string, flags: unknown): NormalizedSupervisorSpec['flags'] {
  if (!isObject(flags)) return fail(where, 'flags must be an object');
  const { strategy, intensity = DEFAULT_INTENSITY, periodMs = DEFAULT_PERIOD_MS, backoff } = flags;
  if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy)) {
    fail(where, `flags.strategy ${JSON.stringify(strategy)} is not one of ${STRATEGIES.join(', ')}`);
  }
  if (typeof intensity !== 'number' || !Number.isInteger(intensity) || intensity < 0) {
    fail(where, `flags.intensity ${JSON.stringify(intensity)} must be an integer >= 0`);
  }
  if (typeof periodMs !== 'number' || !Number.isFinite(periodMs) || periodMs <= 0) {
    fail(where, `flags.periodMs ${JSON.stringify(periodMs)} must be a number > 0`);
  }
  const normalized: NormalizedSupervisorSpec['flags'] = {
    strategy: strategy as SupervisorFlags['strategy'],
    intensity,
    periodMs,
  };
  if (backoff !== undefined) {
    if (!isObject(backoff)) fail(where, 'flags.backoff must be an object');
    const { minMs, maxMs, jitter, resetAfterMs } = backoff;
    for (const [name, value] of Object.entries({ minMs, maxMs, resetAfterMs })) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        fail(where, `flags.backoff.${name} ${JSON.stringify(value)} must be a number >= 0`);
      }
    }
    if ((minMs as number) > (maxMs as number))
      fail(where, `flags.backoff.minMs ${minMs} exceeds maxMs ${maxMs}`);
    if (typeof jitter !== 'number' || jitter < 0 || jitter > 1) {
      fail(where, `flags.backoff.jitter ${JSON.stringify(jitter)} must be between 0 and 1`);
    }
    normalized.backoff = {
      minMs: minMs as number,
      maxMs: maxMs as number,
      jitter,
      resetAfterMs: resetAfterMs as number,
    };
  }
  return normalized;
}

export function validateChildSpec<TStart>(where: string, child: unknown): ChildSpec<TStart> {
  if (!isObject(child)) return fail(where, 'must be a child spec object');
  const { id, restart = 'permanent', type } = child;
  if (typeof id !== 'string' || id.length === 0)
    fail(where, `id ${JSON.stringify(id)} must be a non-empty string`);
  const named = `${where} '${id}'`;
  if (typeof restart !== 'string' || !RESTART_TYPES.includes(restart)) {
    fail(named, `restart ${JSON.stringify(restart)} is not one of ${RESTART_TYPES.join(', ')}`);
  }
  if (type === 'supervisor') {
    const supervisor = validateSupervisorSpec(child.supervisor, `${named}.supervisor`);
    return {
      id,
      type,
      restart: restart as ChildSpec['restart'],
      shutdown: checkShutdown(named, child.shutdown ?? 'infinity'),
      supervisor,
    } as ChildSpec<TStart>;
  }
  if (type !== undefined && type !== 'worker')
    fail(named, `type ${JSON.stringify(type)} is not 'worker' or 'supervisor'`);
  if (!('start' in child)) fail(named, 'start is missing');
  return {
    id,
    type: 'worker',
    restart: restart as ChildSpec['restart'],
    shutdown: checkShutdown(named, child.shutdown ?? DEFAULT_WORKER_SHUTDOWN_MS),
    start: child.start as TStart,
  };
}

/**
 * Checks a whole supervision tree before anything starts, and fills in OTP's defaults. Every problem is reported
 * with where it is (`supervisor 'core': children[2] 'risk': ...`).
 */
export function validateSupervisorSpec<TStart>(
  spec: unknown,
  where = 'supervisor',
): NormalizedSupervisorSpec<TStart> {
  if (!isObject(spec)) return fail(where, 'spec must be an object');
  const { id, flags, children } = spec;
  if (typeof id !== 'string' || id.length === 0)
    fail(where, `id ${JSON.stringify(id)} must be a non-empty string`);
  const named = `${where} '${id}'`;
  const normalizedFlags = checkFlags(named, flags);
  if (!Array.isArray(children)) fail(named, 'children must be an array');
  const seen = new Map<string, number>();
  const normalizedChildren = children.map((child, index) => {
    const checked = validateChildSpec<TStart>(`${named}: children[${index}]`, child);
    const earlier = seen.get(checked.id);
    if (earlier !== undefined) {
      fail(`${named}: children[${index}]`, `id '${checked.id}' duplicates children[${earlier}]`);
    }
    seen.set(checked.id, index);
    return checked;
  });
  if (normalizedFlags.strategy === 'simple_one_for_one' && normalizedChildren.length !== 1) {
    fail(named, `simple_one_for_one needs exactly one child template, got ${normalizedChildren.length}`);
  }
  return { id, flags: normalizedFlags, children: normalizedChildren };
}
