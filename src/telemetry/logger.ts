import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/*
 * One root logger per thread, writing JSON synchronously: a worker's lines never queue behind the main thread,
 * and synchronous writes keep the last lines of a thread that is about to crash. Every thread of a node reads
 * where to write from its environment (workers inherit it): FOXTROT_LOG_DESTINATION is a file path, `stdout` or
 * `stderr` (the default), FOXTROT_LOG_LEVEL the level.
 */
let root: Logger | undefined;

function destination(): ReturnType<typeof pino.destination> {
  const target = process.env.FOXTROT_LOG_DESTINATION ?? 'stderr';
  if (target === 'stderr') return pino.destination({ fd: 2, sync: true });
  if (target === 'stdout') return pino.destination({ fd: 1, sync: true });
  return pino.destination({ dest: target, sync: true, append: true, mkdir: true });
}

export function rootLogger(): Logger {
  root ??= pino(
    {
      level: process.env.FOXTROT_LOG_LEVEL ?? 'info',
      base: { pid: process.pid },
      redact: { paths: ['*.secret', '*.apiKey', '*.password', '*.token'], censor: '[redacted]' },
    },
    destination(),
  );
  return root;
}

export function actorLogger(actorId: string, kind: string): Logger {
  return rootLogger().child({ actor: actorId, kind });
}
