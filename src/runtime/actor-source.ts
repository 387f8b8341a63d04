import { pathToFileURL } from 'node:url';
import { ValidationError } from '../resilience/errors.ts';
import { type ActorDefinition, isActorDefinition } from './actor-definition.ts';

/**
 * Where an actor definition lives: a module URL (a `file:` URL or absolute path) and the name it is exported
 * under. A worker imports the module itself, so definitions never have to cross a thread boundary.
 */
export interface ActorSource {
  module: string | URL;
  export?: string;
}

export interface ResolvedSource {
  module: string;
  export: string;
}

/**
 * The URL of a module beside `base` (pass `import.meta.url`), with base's own extension: `.ts` when running from
 * sources, `.js` from the compiled package. Actor definitions are named by URL, so both must work.
 */
export function siblingModule(relativePath: string, base: string | URL): URL {
  const from = base instanceof URL ? base.href : base;
  const extension = from.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${relativePath}${extension}`, from);
}

export function resolveSource(source: ActorSource): ResolvedSource {
  const module = source.module instanceof URL ? source.module.href : source.module;
  if (typeof module !== 'string' || module.length === 0) {
    throw new ValidationError('actor source: module must be a file URL or an absolute path');
  }
  const href = module.startsWith('file:') ? module : pathToFileURL(module).href;
  return { module: href, export: source.export ?? 'default' };
}

export async function loadDefinition(source: ResolvedSource): Promise<ActorDefinition> {
  const namespace = (await import(source.module)) as Record<string, unknown>;
  const definition = namespace[source.export];
  if (!isActorDefinition(definition)) {
    throw new ValidationError(
      `actor source ${source.module}: export '${source.export}' is not an actor definition (made with defineActor)`,
    );
  }
  return definition;
}
