import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parse as parseYaml } from 'yaml';
import { RiskLimitsSchema } from '../../actors/risk/protocol.ts';
import { InstrumentSpecSchema } from '../domain/instrument.ts';
import { DecimalText } from '../domain/schemas.ts';
import { ValidationError } from '../resilience/errors.ts';
import { INJECTED_FAULTS } from '../runtime/worker/fault-injection.ts';
import { LOG_LEVELS } from '../telemetry/logger.ts';
import { DEFAULT_TELEMETRY, TelemetryConfigSchema } from '../telemetry/settings.ts';

const strict = { additionalProperties: false } as const;
const Rate = Type.Number({ minimum: 0, maximum: 1 });

const MarketSchema = Type.Object(
  {
    startPrice: DecimalText,
    seed: Type.Optional(Type.Integer()),
    volatilityTicks: Type.Optional(Type.Integer({ minimum: 0 })),
    halfSpreadTicks: Type.Optional(Type.Integer({ minimum: 1 })),
    levels: Type.Optional(Type.Integer({ minimum: 1 })),
    levelGapTicks: Type.Optional(Type.Integer({ minimum: 1 })),
    minLevelSize: Type.Optional(Type.Integer({ minimum: 1 })),
    maxLevelSize: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  strict,
);

const StrategyConfigSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$' }),
    strategy: Type.String({ minLength: 1 }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  strict,
);

/** Everything a node runs with. Every field has an embedded default (DEFAULT_CONFIG); a file overrides any of them. */
export const NodeConfigSchema = Type.Object(
  {
    node: Type.Object(
      {
        dataDir: Type.String({ minLength: 1 }),
        /** `process` survives the process being killed; `fsync` also survives power loss (README). */
        durability: Type.Union([Type.Literal('process'), Type.Literal('fsync')]),
        /** How often the status line is printed. */
        statusIntervalMs: Type.Integer({ minimum: 100 }),
        /** How long a clean stop may take before the node gives up waiting and exits. */
        shutdownTimeoutMs: Type.Integer({ minimum: 100 }),
        /** What happens to open orders on a clean stop. */
        onShutdown: Type.Union([Type.Literal('cancel'), Type.Literal('keep')]),
        /** Run for this long, then stop cleanly; 0 runs until a signal. */
        durationS: Type.Number({ minimum: 0 }),
        /** Heap limit of each actor's worker, MB: a worker beyond it fails and is restarted. */
        workerHeapMb: Type.Integer({ minimum: 16 }),
        /**
         * When the whole store is checked. A start checks what it reads (actor states, open orders, positions,
         * balances); the rest, the history, is checked in a thread beside the running node: `before-trading` keeps
         * trading halted until that check passes, `background` trades meanwhile and halts if it fails; `at-start`
         * checks the whole store before the node starts.
         */
        storeCheck: Type.Union([
          Type.Literal('before-trading'),
          Type.Literal('background'),
          Type.Literal('at-start'),
        ]),
      },
      strict,
    ),
    log: Type.Object(
      {
        level: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l))),
        /** `file` writes `<dataDir>/foxtrot.log`; `stdout` or `stderr` write there. */
        destination: Type.Union([Type.Literal('file'), Type.Literal('stdout'), Type.Literal('stderr')]),
      },
      strict,
    ),
    admin: Type.Object(
      {
        /** 0 turns the admin endpoint off. */
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        host: Type.String({ minLength: 1 }),
      },
      strict,
    ),
    venue: Type.Object(
      {
        name: Type.String({ pattern: '^[A-Z][A-Z0-9]{0,15}$' }),
        instruments: Type.Array(InstrumentSpecSchema, { minItems: 1 }),
        markets: Type.Record(Type.String(), MarketSchema),
        intervalMs: Type.Integer({ minimum: 1 }),
        latency: Type.Object(
          { ackMs: Type.Integer({ minimum: 0 }), fillMs: Type.Integer({ minimum: 0 }) },
          strict,
        ),
        fees: Type.Object({ makerFee: DecimalText, takerFee: DecimalText }, strict),
        faults: Type.Object({ rejectRate: Rate, dropAckRate: Rate, disconnectRate: Rate }, strict),
        replay: Type.Optional(
          Type.Object(
            { file: Type.String({ minLength: 1 }), speed: Type.Optional(Type.Number({ minimum: 0 })) },
            strict,
          ),
        ),
        seed: Type.Integer(),
      },
      strict,
    ),
    account: Type.Object({ balances: Type.Record(Type.String({ minLength: 1 }), DecimalText) }, strict),
    persistence: Type.Object(
      {
        /** Risk, execution and portfolio write a snapshot after this many journaled messages... */
        snapshotEveryMessages: Type.Integer({ minimum: 1 }),
        /** ...or this long since the last one; recovery replays the messages after it. */
        snapshotEveryMs: Type.Integer({ minimum: 1 }),
        /** Input records (a commit's messages each) kept before the latest snapshot (0: compacted once covered). */
        keepMessages: Type.Integer({ minimum: 0 }),
      },
      strict,
    ),
    risk: Type.Object(
      {
        limits: RiskLimitsSchema,
      },
      strict,
    ),
    strategies: Type.Array(StrategyConfigSchema),
    /** Tracing and metrics (OTEL_* variables override these, see the README). */
    telemetry: TelemetryConfigSchema,
    chaos: Type.Object(
      {
        enabled: Type.Boolean(),
        /** A random actor's worker is made to fail this often. */
        everyMs: Type.Integer({ minimum: 100 }),
        faults: Type.Array(Type.Union(INJECTED_FAULTS.map((fault) => Type.Literal(fault))), { minItems: 1 }),
        /** What the simulated venue does wrong meanwhile. */
        venueFaults: Type.Object({ dropAckRate: Rate, disconnectRate: Rate }, strict),
        seed: Type.Integer(),
      },
      strict,
    ),
  },
  strict,
);

export type NodeConfig = Static<typeof NodeConfigSchema>;

export const DEFAULT_CONFIG: NodeConfig = {
  node: {
    dataDir: './data',
    durability: 'process',
    statusIntervalMs: 2000,
    shutdownTimeoutMs: 10_000,
    onShutdown: 'cancel',
    durationS: 0,
    workerHeapMb: 256,
    storeCheck: 'before-trading',
  },
  log: { level: 'info', destination: 'file' },
  admin: { port: 0, host: '127.0.0.1' },
  venue: {
    name: 'SIM',
    instruments: [
      {
        id: 'BTCUSDT.SIM',
        baseCurrency: 'BTC',
        quoteCurrency: 'USDT',
        pricePrecision: 2,
        sizePrecision: 3,
        tickSize: '0.01',
        minQuantity: '0.001',
        maxQuantity: '100',
      },
      {
        id: 'ETHUSDT.SIM',
        baseCurrency: 'ETH',
        quoteCurrency: 'USDT',
        pricePrecision: 2,
        sizePrecision: 3,
        tickSize: '0.01',
        minQuantity: '0.001',
        maxQuantity: '1000',
      },
    ],
    markets: {
      'BTCUSDT.SIM': { startPrice: '60000.00', seed: 1, volatilityTicks: 200, halfSpreadTicks: 50 },
      'ETHUSDT.SIM': { startPrice: '3000.00', seed: 2, volatilityTicks: 20, halfSpreadTicks: 5 },
    },
    intervalMs: 100,
    latency: { ackMs: 1, fillMs: 1 },
    fees: { makerFee: '0.0001', takerFee: '0.0004' },
    faults: { rejectRate: 0, dropAckRate: 0, disconnectRate: 0 },
    seed: 42,
  },
  account: { balances: { USDT: '1000000', BTC: '10', ETH: '100' } },
  persistence: { snapshotEveryMessages: 1000, snapshotEveryMs: 5000, keepMessages: 0 },
  risk: {
    limits: {
      maxNotionalPerOrder: '250000',
      maxPosition: { 'BTCUSDT.SIM': '2', 'ETHUSDT.SIM': '40' },
      maxOpenOrders: 200,
      submitRatePerSecond: 100,
      modifyRatePerSecond: 100,
      dailyLossLimit: '50000',
    },
  },
  strategies: [
    {
      id: 'mm',
      strategy: 'market-maker',
      params: {
        instrumentId: 'BTCUSDT.SIM',
        size: '0.010',
        halfSpreadTicks: 25,
        requoteTicks: 50,
        maxPosition: '0.5',
      },
    },
    {
      id: 'trend',
      strategy: 'ma-crossover',
      params: { instrumentId: 'ETHUSDT.SIM', barIntervalMs: 1000, fast: 5, slow: 20, size: '1.000' },
    },
  ],
  telemetry: DEFAULT_TELEMETRY,
  chaos: {
    enabled: false,
    everyMs: 3000,
    faults: ['throw', 'exit', 'hang', 'memory'],
    venueFaults: { dropAckRate: 0.05, disconnectRate: 0.002 },
    seed: 7,
  },
};

const configCheck = TypeCompiler.Compile(NodeConfigSchema);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Maps keyed by instrument or currency: a file that gives one means exactly those entries (a replayed market
 * needs no synthetic one for the default instruments), so they replace the default instead of merging into it.
 */
const REPLACED_WHOLE = new Set(['venue.markets', 'account.balances', 'risk.limits.maxPosition']);

/** Sections merge field by field; lists, the maps above and plain values replace the default. */
export function mergeConfig(base: unknown, override: unknown, path = ''): unknown {
  if (!isPlainObject(base) || !isPlainObject(override) || REPLACED_WHOLE.has(path)) {
    return override === undefined ? base : override;
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = mergeConfig(base[key], value, path === '' ? key : `${path}.${key}`);
  }
  return merged;
}

/** Checks a whole config; the error names every wrong field as a dotted path, with what was wrong. */
export function validateConfig(candidate: unknown, source: string): NodeConfig {
  if (configCheck.Check(candidate)) return crossCheck(candidate, source);
  const problems = [...configCheck.Errors(candidate)].slice(0, 8).map((error) => {
    const field = error.path.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    return `  ${field}: ${error.message}${error.value === undefined ? '' : ` (got ${JSON.stringify(error.value)})`}`;
  });
  throw new ValidationError(`invalid config in ${source}:\n${[...new Set(problems)].join('\n')}`);
}

/** What a schema cannot say: references between sections. */
function crossCheck(config: NodeConfig, source: string): NodeConfig {
  const problems: string[] = [];
  const known = new Set(config.venue.instruments.map((spec) => spec.id));
  for (const spec of config.venue.instruments) {
    if (!spec.id.endsWith(`.${config.venue.name}`)) {
      problems.push(
        `  venue.instruments: ${spec.id} is not on venue ${config.venue.name} (ids end in .VENUE)`,
      );
    }
    if (config.venue.replay === undefined && config.venue.markets[spec.id] === undefined) {
      problems.push(
        `  venue.markets: no synthetic market for ${spec.id} (give it a startPrice, or a replay file)`,
      );
    }
  }
  for (const id of Object.keys(config.venue.markets)) {
    if (!known.has(id)) problems.push(`  venue.markets.${id}: not one of venue.instruments`);
  }
  const ids = new Set<string>();
  config.strategies.forEach((strategy, index) => {
    if (ids.has(strategy.id)) problems.push(`  strategies.${index}.id: '${strategy.id}' is used twice`);
    ids.add(strategy.id);
  });
  if (problems.length > 0) throw new ValidationError(`invalid config in ${source}:\n${problems.join('\n')}`);
  return config;
}

/** Reads a YAML or JSON file (YAML is a superset of JSON): a parse error names the file, line and column. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ValidationError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  try {
    const parsed: unknown = parseYaml(text, { prettyErrors: true });
    if (parsed !== null && parsed !== undefined && !isPlainObject(parsed)) {
      throw new Error('the top level must be a mapping of sections (node, venue, risk, ...)');
    }
    return parsed ?? {};
  } catch (error) {
    throw new ValidationError(`cannot parse config file ${file}: ${(error as Error).message}`);
  }
}

/** The defaults, with the file (when given) and then the command line's overrides laid over them. */
export function loadConfig(file: string | undefined, overrides: unknown): NodeConfig {
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const merged = mergeConfig(mergeConfig(DEFAULT_CONFIG, fromFile), overrides);
  return validateConfig(merged, file ?? 'the embedded defaults');
}
