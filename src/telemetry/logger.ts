import { type Level, type Logger, pino } from 'pino';
import { activeSpan } from './active-span.ts';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/*
 * One root logger per thread, writing JSON synchronously: a worker's lines never queue behind the main thread,
 * and synchronous writes keep the last lines of a thread that is about to crash. Every thread of a node reads
 * where to write from its environment (workers inherit it): FOXTROT_LOG_DESTINATION is a file path, `stdout` or
 * `stderr` (the default), FOXTROT_LOG_LEVEL the level, FOXTROT_NODE the node's name on every line.
 */
let root: Logger | undefined;

/** Secrets a config or a venue adapter may hold, wherever a logged object has them (up to three levels deep). */
const SECRET_FIELDS = ['apiKey', 'apiSecret', 'secret', 'password', 'token', 'passphrase'];
const SECRET_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
const actorLoggers = new Map<string, Logger>();

function destination(): ReturnType<typeof pino.destination> {
  const target = process.env.FOXTROT_LOG_DESTINATION ?? 'stderr';
  if (target === 'stderr') return pino.destination({ fd: 2, sync: true });
  if (target === 'stdout') return pino.destination({ fd: 1, sync: true });
  return pino.destination({ dest: target, sync: true, append: true, mkdir: true });
}

/** A line logged while a message is handled joins that message's span: trace_id and span_id. */
function traceFields(): Record<string, string> {
  const span = activeSpan();
  return span === undefined ? {} : { trace_id: span.traceId, span_id: span.spanId };
}

export function rootLogger(): Logger {
  root ??= pino(
    {
      level: process.env.FOXTROT_LOG_LEVEL ?? 'info',
      base: { pid: process.pid, node: process.env.FOXTROT_NODE ?? 'foxtrot' },
      mixin: traceFields,
      redact: { paths: SECRET_PATHS, censor: '[redacted]' },
    },
    destination(),
  );
  return root;
}

export function actorLogger(actorId: string, kind: string): Logger {
  const logger = rootLogger().child({ actor: actorId, kind });
  const level = actorLoggers.get(actorId)?.level;
  if (level !== undefined) logger.level = level;
  actorLoggers.set(actorId, logger);
  return logger;
}

/** Changes one actor's log level while it runs (the admin endpoint's PUT /actors/:id/log-level). */
export function setActorLogLevel(actorId: string, level: LogLevel): boolean {
  const logger = actorLoggers.get(actorId);
  if (logger === undefined) return false;
  logger.level = level as Level;
  return true;
}
