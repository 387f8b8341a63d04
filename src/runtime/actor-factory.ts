import type { ChildFactory, ChildHandle } from '../../supervisors/child-handle.ts';
import type { ChildSpec, WorkerChildSpec } from '../../supervisors/child-spec.ts';
import { ValidationError } from '../resilience/errors.ts';
import type { ActorStart } from './actor-start.ts';
import { validateActorStart } from './actor-start.ts';
import type { PlacementContext } from './placement/context.ts';
import { InlineActor } from './placement/inline-actor.ts';
import { WorkerActor } from './placement/worker-actor.ts';

export type ActorChild = WorkerActor | InlineActor;

/**
 * Turns actor child specs into placed actors. The extra arguments of a simple_one_for_one child become its
 * machine's input.
 */
export class ActorFactory implements ChildFactory<ActorStart> {
  private readonly children = new Map<string, ActorChild>();

  constructor(private readonly ctx: PlacementContext) {}

  create(spec: WorkerChildSpec<ActorStart>, args?: unknown): ChildHandle {
    const start = validateActorStart(
      spec.id,
      args === undefined ? spec.start : { ...spec.start, input: args },
    );
    const child =
      start.placement === 'inline'
        ? new InlineActor(this.ctx, spec.id, start)
        : new WorkerActor(this.ctx, spec.id, start);
    this.children.set(spec.id, child);
    return child;
  }

  get(id: string): ActorChild | undefined {
    return this.children.get(id);
  }

  all(): ActorChild[] {
    return [...this.children.values()];
  }
}

/**
 * Checks every actor child's start in a spec tree, and that actor ids are unique across the whole tree (they
 * are addresses), so that a bad spec is refused before anything starts.
 */
export function validateActorStarts(children: readonly ChildSpec<unknown>[], seen = new Set<string>()): void {
  for (const child of children) {
    if (child.type === 'supervisor') {
      validateActorStarts(child.supervisor.children, seen);
      continue;
    }
    if (seen.has(child.id))
      throw new ValidationError(`child '${child.id}': duplicate actor id in the supervision tree`);
    seen.add(child.id);
    validateActorStart(child.id, child.start);
  }
}
