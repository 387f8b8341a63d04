import { parseArgs } from 'node:util';
import { ValidationError } from '../resilience/errors.ts';

export interface NodeOptions {
  /** Stop after this many seconds; run until a signal when undefined. */
  durationS: number | undefined;
  /** Crash the pulse actor every this many seconds, to watch the supervisor restart it. */
  crashEveryS: number | undefined;
  /** How often the pulse beats. */
  pulseMs: number;
  help: boolean;
}

export const USAGE = `Usage: npm start -- [options]

Runs a Foxtrot node on embedded defaults. Until the trading actors land, the node runs a demo supervision tree
(a pulse actor beating on a timer into a tally actor), each actor in its own worker thread.

Options:
  --duration <seconds>     stop after this long (default: run until SIGINT/SIGTERM)
  --crash-every <seconds>  crash the pulse actor this often, to watch it restart with its state
  --pulse-ms <ms>          beat period of the pulse actor (default 100)
  -h, --help               show this help`;

function positive(flag: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ValidationError(
      `--${flag}: expected a positive ${integer ? 'integer' : 'number'}, got '${raw}'`,
    );
  }
  return value;
}

export function parseNodeArgs(argv: readonly string[]): NodeOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new ValidationError((error as Error).message);
  }
  const { values } = parsed;
  return {
    durationS: positive('duration', values.duration, false),
    crashEveryS: positive('crash-every', values['crash-every'], false),
    pulseMs: positive('pulse-ms', values['pulse-ms'], true) ?? 100,
    help: values.help ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      duration: { type: 'string' },
      'crash-every': { type: 'string' },
      'pulse-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
