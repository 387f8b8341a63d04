import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/*
 * One root logger per thread, writing JSON straight to stderr's file descriptor: a worker's lines never queue
 * behind the main thread, and synchronous writes keep the last lines of a thread that is about to crash.
 */
let root: Logger | undefined;

export function rootLogger(): Logger {
  root ??= pino(
    {
      level: process.env.FOXTROT_LOG_LEVEL ?? 'info',
      base: { pid: process.pid },
      redact: { paths: ['*.secret', '*.apiKey', '*.password', '*.token'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
  return root;
}

export function actorLogger(actorId: string, kind: string): Logger {
  return rootLogger().child({ actor: actorId, kind });
}
