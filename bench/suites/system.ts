import { type ActorStart, ActorSystem, type ActorSystemOptions, siblingModule } from '../../src/index.ts';

const pipeModule = siblingModule('../actors/pipe', import.meta.url);

export const pipe = (
  exportName: 'pipeActor' | 'pipeTransitionActor',
  extra: Partial<ActorStart> = {},
): ActorStart => ({
  actor: { module: pipeModule, export: exportName },
  ...extra,
});

/** A system of pipe actors for a benchmark, under a supervisor that tolerates the restarts benches cause. */
export function startBenchSystem(
  children: Array<{ id: string; start: ActorStart }>,
  options: ActorSystemOptions = {},
): Promise<ActorSystem> {
  return ActorSystem.start(
    {
      id: 'bench',
      flags: { strategy: 'one_for_one', intensity: 1000, periodMs: 1000 },
      children,
    },
    options,
  );
}
