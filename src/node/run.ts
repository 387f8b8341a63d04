import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { savedActorIds } from '../persistence/actor-states.ts';
import { checkIntegrity, checkLiveState, type IntegrityProblem } from '../persistence/integrity.ts';
import { type Scrub, startScrub } from '../persistence/scrub.ts';
import { FoxtrotStore } from '../persistence/store.ts';
import { type Logger, rootLogger } from '../telemetry/logger.ts';
import { resolveTelemetry, TELEMETRY_ENV } from '../telemetry/settings.ts';
import { startAdminServer } from './admin-server.ts';
import { overridesOf, type RunOptions } from './cli.ts';
import { loadConfig, type NodeConfig } from './config.ts';
import { forceExit } from './force-exit.ts';
import { FoxtrotNode } from './node.ts';
import { formatStatus } from './status.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Hands the telemetry config to every thread through the environment, which workers inherit, after checking it
 * with the OTEL_* variables laid over it: a wrong variable stops the node before anything starts.
 */
function routeTelemetry(config: NodeConfig): void {
  resolveTelemetry(config.telemetry);
  process.env[TELEMETRY_ENV] = JSON.stringify(config.telemetry);
  process.env.FOXTROT_NODE = config.telemetry.serviceName;
}

/** Points every thread's logger at the configured place; workers inherit the environment when they start. */
function routeLogs(config: NodeConfig): string {
  const destination =
    config.log.destination === 'file'
      ? join(resolve(config.node.dataDir), 'foxtrot.log')
      : config.log.destination;
  process.env.FOXTROT_LOG_DESTINATION = destination;
  process.env.FOXTROT_LOG_LEVEL = config.log.level;
  return destination;
}

function waitForStop(node: FoxtrotNode, durationS: number): Promise<string> {
  return new Promise((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) forceExit(`${signal} while stopping: forcing exit`);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (durationS > 0) setTimeout(() => resolve(`ran for ${durationS}s`), durationS * 1000).unref();
    node.system.whenTerminated().then((reason) => resolve(`supervision tree stopped: ${reason.type}`));
  });
}

/** `foxtrot run` (what `npm start` runs). Returns the exit code: 0 after a clean stop. */
export async function runNode(options: RunOptions): Promise<number> {
  let config: NodeConfig;
  try {
    config = loadConfig(options.config, overridesOf(options));
    routeTelemetry(config);
  } catch (error) {
    say((error as Error).message);
    return 2;
  }
  const store = openStore(config);
  if (store === undefined) return 2;
  try {
    return await runOnStore(config, store);
  } finally {
    await store.close();
  }
}

/** Opens the node's store and checks it: a store that is not one, is locked, or fails its check is refused. */
function openStore(config: NodeConfig): FoxtrotStore | undefined {
  let store: FoxtrotStore;
  try {
    store = FoxtrotStore.open(config.node.dataDir, { durability: config.node.durability });
  } catch (error) {
    say((error as Error).message);
    return undefined;
  }
  for (const step of store.migrated) say(`store migrated: ${step}`);
  const integrity =
    config.node.storeCheck === 'at-start' ? checkIntegrity(store, { fold: false }) : checkLiveState(store);
  if (!integrity.ok) {
    say(
      `store ${store.path} failed its integrity check; not trading on it (foxtrot inspect --data shows it):`,
    );
    sayProblems(integrity.problems);
    void store.close();
    return undefined;
  }
  return store;
}

function sayProblems(problems: readonly IntegrityProblem[]): void {
  for (const p of problems) say(`  ${p.db} ${JSON.stringify(p.key)}: ${p.problem}`);
}

/**
 * Checks the store's history beside the running node (see NodeConfig's storeCheck). A store that passes lets
 * trading begin (`before-trading`: risk waits for it). One that fails, or cannot be checked, halts trading with the
 * reason; with `before-trading` risk also goes on waiting for a check that passes, so not even an operator's ACTIVE
 * trades on that store until a start whose check passes.
 */
function scrubBesideNode(node: FoxtrotNode, store: FoxtrotStore, config: NodeConfig, log: Logger): Scrub {
  const scrub = startScrub({ path: store.path, durability: config.node.durability });
  void scrub.result.then(async (result) => {
    if (result.stopped) return;
    if (result.ok) {
      say(
        `store check: ${result.journalRecords} journal records verified in ${(result.ms / 1000).toFixed(1)} s`,
      );
      log.info({ records: result.journalRecords, ms: Math.round(result.ms) }, 'store check passed');
      node.storeChecked();
      return;
    }
    const why =
      result.error === undefined
        ? `the store failed its integrity check (${result.problems.length} problem(s); foxtrot inspect shows them)`
        : `the store could not be checked: ${result.error}`;
    say(`${why}; trading HALTED`);
    sayProblems(result.problems);
    log.error({ problems: result.problems, error: result.error }, 'store check failed: trading halted');
    await node.storeCheckFailed(why).catch((error: unknown) => {
      log.error({ err: error }, 'could not halt trading after the store check failed');
    });
  });
  return scrub;
}

async function runOnStore(config: NodeConfig, store: FoxtrotStore): Promise<number> {
  mkdirSync(config.node.dataDir, { recursive: true });
  const logTo = routeLogs(config);
  const log = rootLogger().child({ component: 'node' });
  const resumed = savedActorIds(store);

  let node: FoxtrotNode;
  try {
    node = await FoxtrotNode.start(config, log, store, config.node.storeCheck === 'before-trading');
  } catch (error) {
    say(`the node could not start: ${(error as Error).message}`);
    log.fatal({ err: error }, 'node start failed');
    return 1;
  }
  if (resumed.length > 0) {
    say(
      `resumed from ${store.path} (start ${store.incarnation}): state of ${resumed.length} actors, ` +
        `${store.dbs.openOrders.getCount()} open orders; trading waits for the venue's reconciliation` +
        (config.node.storeCheck === 'before-trading' ? " and the store's check" : ''),
    );
  }
  say(
    `foxtrot node up (pid ${process.pid}): ${node.actorIds.length} actors, data ${resolve(config.node.dataDir)}, ` +
      `logs ${logTo}${config.chaos.enabled ? ', CHAOS on' : ''}; Ctrl-C stops it`,
  );
  const scrub = config.node.storeCheck === 'at-start' ? undefined : scrubBesideNode(node, store, config, log);
  try {
    // glibc keeps a malloc arena per thread, and a worker that dies leaves its arena's memory behind: a node that
    // restarts workers grows by about 0.6 MiB a restart unless the arenas are capped before the process starts.
    if (process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined) {
      say(
        'note: MALLOC_ARENA_MAX is not set; set it to 2 so that restarted workers do not grow memory (README, "Memory")',
      );
    }

    let admin: Server | undefined;
    if (config.admin.port > 0) {
      try {
        const started = await startAdminServer(node, config.admin.host, config.admin.port, log);
        admin = started.server;
        say(
          `admin endpoint: ${started.url} (/health, /actors, /status, /invariants, /metrics, POST /trading-state)`,
        );
      } catch (error) {
        say(
          `the admin endpoint could not start on ${config.admin.host}:${config.admin.port}: ${(error as Error).message}`,
        );
        await node.stop('admin endpoint failed');
        return 1;
      }
    }
    let treeDown = false;
    node.system.whenTerminated().then(() => {
      treeDown = true;
    });
    if (config.chaos.enabled) node.setChaos(true);

    let sampling = false;
    const statusTimer = setInterval(async () => {
      if (sampling) return;
      sampling = true;
      try {
        say(formatStatus(await node.status()));
      } finally {
        sampling = false;
      }
    }, config.node.statusIntervalMs);

    const why = await waitForStop(node, config.node.durationS);
    clearInterval(statusTimer);
    node.setChaos(false);
    say(`stopping (${why})...`);
    const final = treeDown ? undefined : await node.status().catch(() => undefined);
    const stopped = await Promise.race([
      node.stop(why).then(() => true),
      new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), config.node.shutdownTimeoutMs).unref(),
      ),
    ]);
    admin?.close();
    if (final) say(formatStatus(final));
    if (node.chaosRecords.length > 0) {
      const injected = node.chaosRecords.filter((record) => record.outcome === 'injected');
      say(
        `chaos: ${injected.length} faults injected (${injected.map((r) => `${r.fault}@${r.actor}`).join(', ')})`,
      );
    }
    if (!stopped) forceExit(`did not stop within ${config.node.shutdownTimeoutMs} ms: killing the process`);
    const reason = await node.system.whenTerminated();
    if (reason.type === 'failure') {
      say('stopped: the supervision tree gave up (see the log)');
      return 1;
    }
    say('stopped cleanly');
    return 0;
  } finally {
    // Before the store closes: the check reads it.
    await scrub?.stop();
  }
}
