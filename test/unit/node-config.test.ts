import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChaosBody, parseFaultBody, parseTradingStateBody } from '../../src/node/admin-server.ts';
import { overridesOf } from '../../src/node/cli.ts';
import { DEFAULT_CONFIG, loadConfig, mergeConfig, validateConfig } from '../../src/node/config.ts';
import { actorIds, nodeTree } from '../../src/node/tree.ts';

const dir = mkdtempSync(join(tmpdir(), 'foxtrot-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('node config', () => {
  it('runs on the embedded defaults with no file', () => {
    expect(loadConfig(undefined, {})).toEqual(DEFAULT_CONFIG);
  });

  it('lays a YAML file and then the flags over the defaults, field by field', () => {
    const path = file('ok.yaml', 'node:\n  statusIntervalMs: 500\nrisk:\n  limits:\n    maxOpenOrders: 7\n');
    const config = loadConfig(path, overridesOf({ data: '/tmp/x', adminPort: 8123, chaos: true }));
    expect(config.node).toMatchObject({
      statusIntervalMs: 500,
      dataDir: '/tmp/x',
      shutdownTimeoutMs: 10_000,
    });
    expect(config.risk.limits).toMatchObject({ maxOpenOrders: 7, submitRatePerSecond: 100 });
    expect(config.admin.port).toBe(8123);
    expect(config.chaos.enabled).toBe(true);
  });

  it('takes maps keyed by instrument or currency as given, so a replayed market needs no synthetic one', () => {
    const path = file(
      'replay.yaml',
      [
        'venue:',
        '  instruments:',
        "    - { id: BTCUSDT.SIM, baseCurrency: BTC, quoteCurrency: USDT, pricePrecision: 2, sizePrecision: 3, tickSize: '0.01' }",
        '  markets: {}',
        '  replay: { file: ticks.csv }',
        'account:',
        "  balances: { USDT: '5' }",
      ].join('\n'),
    );
    const config = loadConfig(path, {});
    expect(config.venue.markets).toEqual({});
    expect(config.account.balances).toEqual({ USDT: '5' });
    expect(config.risk.limits.submitRatePerSecond).toBe(100);
  });

  it('reads JSON as well', () => {
    const path = file('ok.json', JSON.stringify({ log: { level: 'debug' } }));
    expect(loadConfig(path, {}).log.level).toBe('debug');
  });

  it('names every wrong field, with what was wrong', () => {
    const path = file(
      'bad.yaml',
      'risk:\n  limits:\n    maxOpenOrders: -3\nvenue:\n  latency: {ackMs: fast}\n',
    );
    let message = '';
    try {
      loadConfig(path, {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`invalid config in ${path}`);
    expect(message).toMatch(/risk\.limits\.maxOpenOrders: .*greater or equal to 0 \(got -3\)/);
    expect(message).toMatch(/venue\.latency\.ackMs: Expected integer \(got "fast"\)/);
  });

  it('refuses unknown fields rather than ignoring a typo', () => {
    const path = file('typo.yaml', 'risk:\n  limit:\n    maxOpenOrders: 3\n');
    expect(() => loadConfig(path, {})).toThrow(/risk\.limit: Unexpected property/);
  });

  it('checks references between sections', () => {
    const bad = mergeConfig(DEFAULT_CONFIG, {
      venue: { markets: { 'DOGEUSDT.SIM': { startPrice: '1.00' } } },
      strategies: [
        { id: 'a', strategy: 'market-maker' },
        { id: 'a', strategy: 'ma-crossover' },
      ],
    });
    expect(() => validateConfig(bad, 'test')).toThrow(
      /venue\.markets\.DOGEUSDT\.SIM: not one of venue\.instruments/,
    );
    expect(() => validateConfig(bad, 'test')).toThrow(/strategies\.1\.id: 'a' is used twice/);
  });

  it('says where a file does not parse, and when it cannot be read', () => {
    expect(() => loadConfig(file('broken.yaml', 'node: [1,\n'), {})).toThrow(
      /cannot parse config file .*line 2/,
    );
    expect(() => loadConfig(join(dir, 'missing.yaml'), {})).toThrow(/cannot read config file/);
    expect(() => loadConfig(file('list.yaml', '- 1\n- 2\n'), {})).toThrow(/top level must be a mapping/);
  });
});

describe('the node supervision tree', () => {
  it('starts the core, then the venue side, then strategies, every actor in its own worker with a heap limit', () => {
    const tree = nodeTree(DEFAULT_CONFIG);
    expect(tree.children.map((child) => child.id)).toEqual(['core', 'venues', 'strategies']);
    expect(actorIds(DEFAULT_CONFIG)).toEqual([
      'risk',
      'execution',
      'portfolio',
      'venue-SIM',
      'market-data',
      'adapter-SIM',
      'strategy-mm',
      'strategy-trend',
    ]);
    for (const child of tree.children) {
      if (child.type !== 'supervisor') throw new Error('expected supervisors at the top');
      for (const actor of child.supervisor.children) {
        expect(actor).toMatchObject({ start: { resourceLimits: { maxOldGenerationSizeMb: 256 } } });
      }
    }
  });
});

describe('the admin endpoint', () => {
  it('takes a trading state change and says which field is wrong otherwise', () => {
    expect(parseTradingStateBody('{"state":"HALTED","reason":"test"}')).toEqual({
      state: 'HALTED',
      reason: 'test',
    });
    expect(() => parseTradingStateBody('{"state":"PAUSED"}')).toThrow(
      /state: expected ACTIVE, REDUCING or HALTED/,
    );
    expect(() => parseTradingStateBody('nope')).toThrow(/not JSON/);
    expect(() => parseFaultBody('{"actor":"risk","fault":"melt"}')).toThrow(
      /fault: expected throw, exit, hang or memory/,
    );
    expect(parseFaultBody('{"actor":"risk","fault":"exit"}')).toEqual({ actor: 'risk', fault: 'exit' });
    expect(() => parseChaosBody('{"enabled":"yes"}')).toThrow(/enabled: expected true or false/);
    expect(() => parseTradingStateBody('{"state":"ACTIVE","reason":5}')).toThrow(/reason: expected a string/);
  });
});
