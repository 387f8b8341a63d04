import { Command, InvalidArgumentError, Option } from 'commander';
import type { BacktestOptions } from '../backtest/backtest-command.ts';
import { parseParams, parseTime } from '../backtest/flags.ts';
import { DURABILITY_MODES } from '../persistence/store.ts';
import { ValidationError } from '../resilience/errors.ts';
import { LOG_LEVELS } from '../telemetry/logger.ts';
import type { TracesOptions } from '../traces/run-viewer.ts';

/** `foxtrot run`'s flags, each also read from an environment variable (the flag wins). */
export interface RunOptions {
  config?: string;
  data?: string;
  durability?: string;
  duration?: number;
  logLevel?: string;
  log?: string;
  adminPort?: number;
  chaos?: boolean;
  otlpEndpoint?: string;
}

function httpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError(`--otlp-endpoint expects an http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`--otlp-endpoint expects an http(s) URL, got '${raw}'`);
  }
  return raw;
}

function number(flag: string, check: (value: number) => boolean, expected: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || !check(value)) {
      throw new InvalidArgumentError(`${flag} expects ${expected}, got '${raw}'`);
    }
    return value;
  };
}

/** The config's overrides that the flags make, in the config's own shape. */
export function overridesOf(options: RunOptions): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  if (options.data !== undefined) node.dataDir = options.data;
  if (options.durability !== undefined) node.durability = options.durability;
  if (options.duration !== undefined) node.durationS = options.duration;
  const log: Record<string, unknown> = {};
  if (options.logLevel !== undefined) log.level = options.logLevel;
  if (options.log !== undefined) log.destination = options.log;
  return {
    ...(Object.keys(node).length > 0 ? { node } : {}),
    ...(Object.keys(log).length > 0 ? { log } : {}),
    ...(options.adminPort === undefined ? {} : { admin: { port: options.adminPort } }),
    ...(options.chaos ? { chaos: { enabled: true } } : {}),
    ...(options.otlpEndpoint === undefined
      ? {}
      : { telemetry: { tracing: { endpoint: options.otlpEndpoint } } }),
  };
}

export interface InspectOptions {
  data: string;
  json?: boolean;
}

export interface CommandHandlers {
  run(options: RunOptions): Promise<number>;
  inspect(options: InspectOptions): Promise<number>;
  script(file: string): Promise<number>;
  traces(options: TracesOptions): Promise<number>;
  backtest(options: BacktestOptions): Promise<number>;
}

/** A parser that throws ValidationError, as commander's InvalidArgumentError (so the flag is named, exit 2). */
function flagParser<T>(parse: (raw: string) => T) {
  return (raw: string): T => {
    try {
      return parse(raw);
    } catch (error) {
      if (error instanceof ValidationError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/**
 * The `foxtrot` command line. Handlers return the exit code; commander's own errors (an unknown flag, a bad
 * value) are written with the usage and exit 2.
 */
export function buildProgram(handlers: CommandHandlers, setExitCode: (code: number) => void): Command {
  const program = new Command('foxtrot')
    .description('Foxtrot: a trading node built as an actor system')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('run')
    .description(
      'run a trading node: simulated venue, market data, strategies, risk, execution and portfolio, each actor in ' +
        'its own worker under supervisors (embedded defaults; no file needed)',
    )
    .addOption(
      new Option('--config <file>', 'YAML or JSON config; overrides the embedded defaults').env(
        'FOXTROT_CONFIG',
      ),
    )
    .addOption(new Option('--data <dir>', 'data directory (default ./data)').env('FOXTROT_DATA'))
    .addOption(
      new Option(
        '--durability <mode>',
        'process (default): survives the process being killed; fsync: also survives power loss, slower',
      )
        .choices([...DURABILITY_MODES])
        .env('FOXTROT_DURABILITY'),
    )
    .addOption(
      new Option('--duration <seconds>', 'run this long, then stop cleanly (default: until SIGINT/SIGTERM)')
        .env('FOXTROT_DURATION')
        .argParser(number('--duration', (v) => v > 0, 'a positive number of seconds')),
    )
    .addOption(
      new Option('--log-level <level>', 'log level').choices([...LOG_LEVELS]).env('FOXTROT_LOG_LEVEL'),
    )
    .addOption(
      new Option('--log <destination>', 'where JSON logs go: file (<data>/foxtrot.log), stdout or stderr')
        .choices(['file', 'stdout', 'stderr'])
        .env('FOXTROT_LOG'),
    )
    .addOption(
      new Option('--admin-port <port>', 'serve the admin endpoint on this loopback port (0 = off)')
        .env('FOXTROT_ADMIN_PORT')
        .argParser(
          number('--admin-port', (v) => Number.isInteger(v) && v >= 0 && v <= 65535, 'a port 0..65535'),
        ),
    )
    .addOption(
      new Option('--chaos', 'crash a random actor every few seconds and make the venue misbehave').env(
        'FOXTROT_CHAOS',
      ),
    )
    .addOption(
      new Option(
        '--otlp-endpoint <url>',
        'export traces and metrics over OTLP/HTTP to this collector (OTEL_EXPORTER_OTLP_ENDPOINT wins)',
      ).argParser(httpUrl),
    )
    .action(async (options: RunOptions) => setExitCode(await handlers.run(options)));

  program
    .command('inspect')
    .description(
      'print a store: schema version, counts, open orders, positions, balances, the last sequence of each journal ' +
        'stream, and an integrity check (exit 1 when it fails); reads only, safe while a node runs',
    )
    .requiredOption('--data <dir>', 'the data directory of a node')
    .option('--json', 'print the report as JSON')
    .action(async (options: InspectOptions) => setExitCode(await handlers.inspect(options)));

  program
    .command('script')
    .description(
      'feed a JSONL script through risk, execution and portfolio on a simulated clock and print every resulting ' +
        'event as one JSON line (format: docs/script-format.md)',
    )
    .argument('<file>', 'the JSONL script')
    .action(async (file: string) => setExitCode(await handlers.script(file)));

  program
    .command('traces')
    .description(
      'receive OTLP/HTTP traces (protobuf or JSON) and show them in a web page: traces by order, a waterfall by ' +
        'actor with each state before and after, and each actor over time',
    )
    .option('--data <dir>', 'where spans are kept (LMDB)', './traces')
    .option('--host <host>', 'the address to listen on (loopback unless told otherwise)', '127.0.0.1')
    .option(
      '--port <port>',
      'the port of the receiver and the page',
      number('--port', (v) => Number.isInteger(v) && v >= 0 && v <= 65535, 'a port 0..65535'),
      4318,
    )
    .option(
      '--max-traces <n>',
      'keep at most this many traces (the oldest go)',
      number('--max-traces', (v) => Number.isInteger(v) && v > 0, 'a positive integer'),
      10_000,
    )
    .option(
      '--max-age-hours <h>',
      'remove traces older than this',
      number('--max-age-hours', (v) => v > 0, 'a positive number of hours'),
      24,
    )
    .option(
      '--max-body-mb <mb>',
      'refuse (413) an export larger than this',
      number('--max-body-mb', (v) => v > 0, 'a positive number of MB'),
      16,
    )
    .action(async (options: TracesOptions) => setExitCode(await handlers.traces(options)));

  program
    .command('backtest')
    .description(
      'replay market data (CSV or JSONL quotes and trades, several files merged in time order) through the ' +
        "node's own actors on a simulated clock; write orders, fills, positions, equity, statistics and an HTML " +
        'report to --out (format: docs/backtesting.md)',
    )
    .requiredOption('--data <files...>', 'market data files (docs/market-data-format.md)')
    .option(
      '--config <file>',
      "a node config (as for run): its venue's instruments, latency and fees, account and risk limits apply",
    )
    .requiredOption(
      '--strategy <name|path>',
      'a builtin strategy (market-maker, ma-crossover) or a module path',
    )
    .option(
      '--params <json>',
      "the strategy's parameters as a JSON object (a builtin's defaults fill the rest)",
      flagParser(parseParams),
    )
    .option(
      '--from <time>',
      'start at this time (ISO 8601 or ms since the epoch)',
      flagParser((raw) => parseTime('--from', raw)),
    )
    .option(
      '--to <time>',
      'stop after this time (ISO 8601 or ms since the epoch)',
      flagParser((raw) => parseTime('--to', raw)),
    )
    .option('--out <dir>', 'where results go', './backtest-results')
    .option(
      '--seed <n>',
      "the simulated venue's seed",
      number('--seed', (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer'),
    )
    .option('--skip-bad-lines', 'skip (and count) malformed lines instead of stopping at the first')
    .option(
      '--sweep <axes>',
      "run one backtest per combination on a worker pool, e.g. 'fast=5..20:5,slow=20..60:10' or 'size=1|2'",
    )
    .option(
      '--sort <statistic>',
      'sort the sweep table by this statistic, best first (lowest first for volatility and drawdowns)',
      'sharpe',
    )
    .option(
      '--threads <n>',
      'sweep worker threads (default: one per core)',
      number('--threads', (v) => Number.isInteger(v) && v > 0, 'a positive integer'),
    )
    .action(async (options: BacktestOptions) => setExitCode(await handlers.backtest(options)));

  return program;
}
