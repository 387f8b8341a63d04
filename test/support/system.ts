import {
  type ActorStart,
  ActorSystem,
  type ActorSystemOptions,
  type ChildSpec,
  type SupervisorEvent,
  type SupervisorFlags,
  siblingModule,
} from '../../src/index.ts';
import { counterModule } from '../fixtures/counter.ts';

/** One of the node's actors (`actors/<name>/worker.ts`, export `exportName`), placed in a worker unless said. */
export const coreActor = (
  name: string,
  exportName: string,
  input: unknown,
  placement?: ActorStart['placement'],
): ActorStart => ({
  actor: { module: siblingModule(`../../actors/${name}/worker`, import.meta.url), export: exportName },
  ...(placement === undefined ? {} : { placement }),
  input,
});

export const counter = (extra: Partial<ActorStart> = {}): ActorStart => ({
  actor: { module: counterModule, export: 'counterActor' },
  ...extra,
});

export interface TestSystem {
  system: ActorSystem;
  events: SupervisorEvent[];
}

/** Starts a system of real workers with fast failure detection, recording every supervisor event. */
export async function startSystem(
  children: ChildSpec<ActorStart>[],
  flags: SupervisorFlags = { strategy: 'one_for_one', intensity: 10, periodMs: 10_000 },
  options: ActorSystemOptions = {},
): Promise<TestSystem> {
  const events: SupervisorEvent[] = [];
  const system = await ActorSystem.start(
    { id: 'test', flags, children },
    { heartbeatMs: 100, heartbeatTimeoutMs: 1500, onEvent: (event) => events.push(event), ...options },
  );
  return { system, events };
}

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
