import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { ValidationError } from '../resilience/errors.ts';

export type MessageSchemas = Record<string, TSchema>;

/**
 * An actor's protocol: the schema of every message it accepts and, for the messages it answers, the schema of
 * the reply. Schemas are compiled once, so checking a message on the hot path costs tens of nanoseconds.
 */
export interface Protocol<
  TMessages extends MessageSchemas = MessageSchemas,
  TReplies extends Partial<Record<keyof TMessages, TSchema>> = Partial<Record<keyof TMessages, TSchema>>,
> {
  readonly messages: TMessages;
  readonly replies: TReplies;
  /** Returns undefined when the payload is valid, otherwise what is wrong and where. */
  check(type: string, payload: unknown): string | undefined;
  checkReply(type: string, payload: unknown): string | undefined;
  accepts(type: string): boolean;
}

export type MessageType<P extends Protocol> = keyof P['messages'] & string;
export type PayloadOf<P extends Protocol, K extends MessageType<P>> = Static<P['messages'][K]>;
export type ReplyOf<P extends Protocol, K extends MessageType<P>> = P['replies'][K] extends TSchema
  ? Static<P['replies'][K]>
  : never;

function compileAll(schemas: Record<string, TSchema | undefined>): Map<string, TypeCheck<TSchema>> {
  const compiled = new Map<string, TypeCheck<TSchema>>();
  for (const [type, schema] of Object.entries(schemas)) {
    if (schema !== undefined) compiled.set(type, TypeCompiler.Compile(schema));
  }
  return compiled;
}

function explain(check: TypeCheck<TSchema>, label: string, payload: unknown): string | undefined {
  if (check.Check(payload)) return undefined;
  const first = check.Errors(payload).First();
  return first ? `${label} at ${first.path || '/'}: ${first.message}` : `${label} is invalid`;
}

export function defineProtocol<
  TMessages extends MessageSchemas,
  TReplies extends Partial<Record<keyof TMessages, TSchema>> = Record<never, never>,
>(definition: { messages: TMessages; replies?: TReplies }): Protocol<TMessages, TReplies> {
  const messageChecks = compileAll(definition.messages);
  const replyChecks = compileAll((definition.replies ?? {}) as Record<string, TSchema | undefined>);
  return {
    messages: definition.messages,
    replies: (definition.replies ?? {}) as TReplies,
    accepts: (type) => messageChecks.has(type),
    check(type, payload) {
      const check = messageChecks.get(type);
      if (check === undefined) return `unknown message type '${type}'`;
      return explain(check, `payload of '${type}'`, payload);
    },
    checkReply(type, payload) {
      const check = replyChecks.get(type);
      if (check === undefined) return undefined;
      return explain(check, `reply to '${type}'`, payload);
    },
  };
}

export function assertMessage(protocol: Protocol, to: string, type: string, payload: unknown): void {
  const problem = protocol.check(type, payload);
  if (problem !== undefined) throw new ValidationError(`message to '${to}': ${problem}`, { to, type });
}
