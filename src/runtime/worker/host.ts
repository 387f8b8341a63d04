import { performance } from 'node:perf_hooks';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { expose } from 'comlink';
import { serializeError } from '../../resilience/errors.ts';
import { ActorTelemetry } from '../../telemetry/actor-telemetry.ts';
import { actorLogger, isLogLevel, rootLogger, setActorLogLevel } from '../../telemetry/logger.ts';
import { initThreadTelemetry, threadTelemetry } from '../../telemetry/thread-telemetry.ts';
import { carrierOf } from '../../telemetry/trace-context.ts';
import { ActorCell } from '../actor-cell.ts';
import type { ActorIO } from '../actor-definition.ts';
import { createActorIO } from '../actor-io.ts';
import { loadDefinition } from '../actor-source.ts';
import { toCloneable } from '../cloneable.ts';
import type { DeadLetter } from '../dead-letters.ts';
import type { Envelope } from '../envelope.ts';
import type { InspectionRecord } from '../inspection.ts';
import { ProgressBoard } from '../progress-board.ts';
import { Router } from '../router.ts';
import { encodeMachine } from '../snapshot-encoding.ts';
import type {
  JournalEntry,
  WorkerStateWriter,
  WorkerWriterFactory,
  WorkerWriterSource,
} from '../snapshot-store.ts';
import { nodeEndpoint } from './comlink-endpoint.ts';
import { injectFault, isInjectedFault } from './fault-injection.ts';
import type { StoredActorState, WorkerControl, WorkerEvent, WorkerInit, WorkerView } from './protocol.ts';
import { SnapshotSchedule } from './snapshot-schedule.ts';

/*
 * The entry of every actor worker. It answers the control plane over comlink, reports to the supervisor's side on
 * a separate events port (heartbeats, state, failures, dead letters), and runs one actor cell behind a router.
 */

interface HostData {
  eventsPort: MessagePort;
  heartbeatMs: number;
  /** The definition to import before start is called, so that a standby worker starts its actor at once. */
  preload?: { module: string; export: string };
  /** The actor this worker is for: its telemetry (and tracing, when on) is loaded as the worker boots. */
  actorId: string;
}

const data = workerData as HostData;
const events = data.eventsPort;
const report = (event: WorkerEvent): void => events.postMessage(event);

setInterval(() => report({ t: 'heartbeat' }), data.heartbeatMs);
report({ t: 'heartbeat' });

const preloaded = data.preload ? loadDefinition(data.preload) : undefined;
// A preload that fails is reported by start(), which loads again and rejects with the error.
preloaded?.catch(() => undefined);
const telemetryReady = initThreadTelemetry(data.actorId);
// Made as the worker boots, not at start: pino compiles its redaction paths then (about 4 ms), which a restart
// onto a standby worker would otherwise wait for.
rootLogger();

let cell: ActorCell | undefined;
let router: Router | undefined;
let endpointKey = '';
let pendingDeadLetters: DeadLetter[] = [];
let pendingInspections: InspectionRecord[] = [];

/** The actor's effects, off while it replays journaled messages (see ActorDefinition.replayable). */
function muteable(io: ActorIO, muted: () => boolean): ActorIO {
  return {
    ...io,
    tell: (to, type, payload, options) => muted() || io.tell(to, type, payload, options),
    ask: (to, type, payload, options) =>
      muted() ? new Promise<never>(() => undefined) : io.ask(to, type, payload, options),
    reply: (request, payload) => {
      if (!muted()) io.reply(request, payload);
    },
    journal: (stream, type, data) => {
      if (!muted()) io.journal(stream, type, data);
    },
  };
}

async function loadWriter(source: WorkerWriterSource): Promise<WorkerStateWriter> {
  const namespace = (await import(source.module)) as Record<string, unknown>;
  const factory = namespace[source.export];
  if (typeof factory !== 'function') {
    throw new Error(`store writer ${source.module}: export '${source.export}' is not a function`);
  }
  return (factory as WorkerWriterFactory)(source.options);
}

function requireStarted(): { cell: ActorCell; router: Router } {
  if (cell === undefined || router === undefined) throw new Error('actor not started');
  return { cell, router };
}

function storedState(current: ActorCell, activeRouter: Router): StoredActorState {
  return {
    ...current.persistedState(),
    endpointKey,
    watermarks: activeRouter.currentWatermarks(),
    outgoing: activeRouter.outgoingState(),
  };
}

const control: WorkerControl = {
  async start(init: WorkerInit) {
    if (cell !== undefined) throw new Error(`actor '${init.actorId}' already started in this worker`);
    const sameSource =
      data.preload?.module === init.source.module && data.preload?.export === init.source.export;
    const definition = await (sameSource && preloaded ? preloaded : loadDefinition(init.source));
    const writer = init.persist && init.store ? await loadWriter(init.store) : undefined;
    const log = actorLogger(init.actorId, definition.kind);
    const telemetry = await telemetryReady;
    endpointKey = init.endpointKey;
    const activeRouter: Router = new Router({
      endpointKey: init.endpointKey,
      window: init.window,
      log,
      deadLetters: {
        record: (letter) => {
          pendingDeadLetters.push(letter);
          // Dead letters are reported at the next commit, which a refusal on its own must bring about.
          activeRouter.scheduleCommit();
        },
      },
      resolve: (to) => report({ t: 'resolve', to }),
      ...(init.restored ? { watermarks: init.restored.watermarks } : {}),
      ...(init.poison ? { poison: init.poison } : {}),
      blame: new Int32Array(init.blame),
      board: new ProgressBoard(init.board),
      ...(init.restored ? { outgoing: init.restored.outgoing } : {}),
      onLinkAttached: (index, name, peerKey) => report({ t: 'link', index, name, peerKey }),
      writeAhead: writer !== undefined,
    });
    const actorTelemetry = new ActorTelemetry(telemetry, init.actorId, definition.kind, () =>
      activeRouter.backlog(),
    );
    const actorAttributes = { 'foxtrot.actor.id': init.actorId, 'foxtrot.actor.kind': definition.kind };
    telemetry.meter
      .createObservableGauge('foxtrot.mailbox.depth', {
        description: 'Messages received by an actor and not yet handled',
      })
      .addCallback((result) => result.observe(activeRouter.backlog(), actorAttributes));
    const commitMs = telemetry.instruments.journalCommitMs(actorAttributes);
    const commitEntries = telemetry.instruments.journalBatch(actorAttributes);
    let journal: JournalEntry[] = [];
    let muted = false;
    const io = muteable(
      createActorIO(
        activeRouter,
        init.actorId,
        log,
        (entry) => {
          if (init.persist) journal.push(entry);
        },
        { telemetry: actorTelemetry, meter: telemetry.meter },
      ),
      () => muted,
    );
    const every = definition.replayable && writer !== undefined ? init.snapshotEvery : undefined;
    /** The messages this turn delivered to the machine: journaled for replay when the turn changed it. */
    let handled: Envelope[] = [];
    const schedule = every === undefined ? undefined : new SnapshotSchedule(every, performance.now());
    const activeCell = new ActorCell(definition, {
      id: init.actorId,
      io,
      ...(init.inspect
        ? {
            onInspection: (record: InspectionRecord) => {
              pendingInspections.push(record);
              activeRouter.scheduleCommit();
            },
          }
        : {}),
      ...(init.input === undefined ? {} : { input: init.input }),
      ...(init.restored ? { restored: init.restored } : {}),
      ...(init.restored?.replay ? { replay: init.restored.replay } : {}),
      mute: (on: boolean) => {
        muted = on;
      },
      telemetry: actorTelemetry,
    });
    activeCell.onFailure = (error) => {
      activeRouter.halt();
      const poison = activeRouter.current;
      // The failed message's span (error status) ends once the failing delivery returns, and is exported before
      // the supervisor terminates this thread.
      void Promise.resolve()
        .then(() => telemetry.flush(300))
        .then(() => {
          const failedSpan = actorTelemetry.failedSpan;
          report({
            t: 'failure',
            error: serializeError(error),
            ...(poison ? { poison } : {}),
            ...(failedSpan ? carrierOf(failedSpan) : {}),
          });
        });
    };
    activeCell.onChange = () => activeRouter.scheduleCommit();
    activeCell.onDone = (output) => {
      // What arrives after the end is not this incarnation's to take: halted, it stays unacknowledged, and the
      // senders give it to the next incarnation (or to dead letters if there is none).
      activeRouter.commitAndHalt();
      report({ t: 'done', output: toCloneable(output) });
    };
    activeRouter.addLocal(init.actorId, {
      accept: (envelope) => {
        const result = activeCell.deliver(envelope);
        if (result.ok) {
          if (every !== undefined) handled.push(envelope);
        } else if ('rejected' in result) activeRouter.reject(envelope, result.rejected);
      },
    });
    let savedStamp = -1;
    let heldLastTime = false;
    activeRouter.onCommit(() => {
      const covered = actorTelemetry.takeTurnSpans();
      if (pendingDeadLetters.length > 0) {
        report({ t: 'dead-letters', letters: pendingDeadLetters });
        pendingDeadLetters = [];
      }
      if (pendingInspections.length > 0) {
        report({ t: 'inspection', records: pendingInspections });
        pendingInspections = [];
      }
      if (!init.persist || !activeCell.isRunning) return;
      const changed = activeCell.takeChanged();
      const stamp = activeRouter.progressStamp();
      if (writer !== undefined) {
        const inputs = changed ? handled : [];
        handled = [];
        const first = savedStamp === -1;
        if (!changed && !first && stamp === savedStamp && journal.length === 0) return;
        savedStamp = stamp;
        const snapshotStarted = performance.now();
        const saved =
          (changed || (first && init.restored === undefined)) &&
          (schedule === undefined || schedule.due(inputs.length, snapshotStarted, first))
            ? activeCell.persistedState()
            : undefined;
        const machine = saved && { machine: encodeMachine(saved.machine), timers: saved.timers };
        const committedAt = performance.now();
        if (machine !== undefined) schedule?.saved(snapshotStarted, committedAt);
        writer.commit(init.actorId, {
          ...(machine ? { machine } : {}),
          progress: {
            endpointKey: init.endpointKey,
            watermarks: activeRouter.currentWatermarks(),
            outgoing: activeRouter.outgoingState(true),
          },
          outbox: activeRouter.takeOutbox(),
          journal,
          ...(every === undefined ? {} : { inputs, keepInputs: every.keepMessages ?? 0 }),
        });
        const doneAt = performance.now();
        const entries = journal.length + inputs.length;
        commitMs.record(doneAt - committedAt);
        commitEntries.record(entries);
        actorTelemetry.persisted(covered, committedAt, {
          'foxtrot.journal.entries': journal.length,
          'foxtrot.snapshot': machine !== undefined,
        });
        journal = [];
        return;
      }
      if (!changed && stamp === savedStamp) return;
      const first = savedStamp === -1 && init.restored === undefined;
      savedStamp = stamp;
      const needsMessage = activeRouter.needsProgressMessages();
      // Progress alone (numbering, watermarks) goes to the shared board; held envelopes need a message.
      if (!changed && !first && !needsMessage && !heldLastTime) return;
      heldLastTime = needsMessage;
      const progress = {
        watermarks: activeRouter.currentWatermarks(),
        outgoing: activeRouter.outgoingState(),
      };
      if (!changed && !first) report({ t: 'progress', progress });
      else {
        const { machine, timers } = activeCell.persistedState();
        report({
          t: 'state',
          state: { machine: encodeMachine(machine), timers, ...progress, endpointKey: init.endpointKey },
        });
      }
    });
    activeRouter.attachLink('$main', init.mainPort, init.mainKey, ['$main'], false, init.mainAcks);
    cell = activeCell;
    router = activeRouter;
  },

  async stop() {
    if (cell === undefined || router === undefined) return;
    router.commitAndHalt();
    cell.stop();
    await threadTelemetry().flush();
  },

  async collectMetrics() {
    return threadTelemetry().collectMetrics();
  },

  async setLogLevel(level) {
    if (!isLogLevel(level)) throw new Error(`unknown log level '${String(level)}'`);
    setActorLogLevel(requireStarted().cell.id, level);
  },

  async snapshot() {
    const started = requireStarted();
    return storedState(started.cell, started.router);
  },

  async inspect(): Promise<WorkerView> {
    const started = requireStarted();
    const view = started.cell.view();
    return { ...view, context: toCloneable(view.context), endpointKey, mailbox: started.router.stats() };
  },

  async ping() {
    return Date.now();
  },

  async injectFault(fault) {
    if (!isInjectedFault(fault)) throw new Error(`unknown fault '${String(fault)}'`);
    injectFault(fault);
  },

  attachLink(name, port, peerKey, actorIds, peerDurable, acks) {
    requireStarted().router.attachLink(name, port, peerKey, actorIds, peerDurable, acks);
  },
  routeVia(actorId, linkName) {
    requireStarted().router.routeVia(actorId, linkName);
  },
  routeFailed(actorId, reason) {
    requireStarted().router.routeFailed(actorId, reason);
  },
  available(actorId) {
    router?.available(actorId);
  },
  peerDown(name) {
    router?.peerDown(name);
  },
  peerGone(name, reason) {
    router?.peerGone(name, reason);
  },
};

if (parentPort === null) {
  rootLogger().fatal('the actor host must run in a worker thread');
  process.exit(1);
}
expose(control, nodeEndpoint(parentPort));
