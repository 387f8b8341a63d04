import type { Logger } from '../../telemetry/logger.ts';
import type { DeadLetterOffice } from '../dead-letters.ts';
import type { Directory } from '../directory.ts';
import type { InspectionRecord } from '../inspection.ts';
import type { Router } from '../router.ts';
import type { ActorClock } from '../simulated-clock.ts';
import type { SnapshotStore } from '../snapshot-store.ts';

/** What every placement of an actor shares with the system that owns it. */
export interface PlacementContext {
  mainRouter: Router;
  mainKey: string;
  directory: Directory;
  snapshots: SnapshotStore;
  deadLetters: DeadLetterOffice;
  log: Logger;
  /** Envelopes in flight per link, and held per actor while it restarts. */
  window: number;
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  /** Where actors started with `inspect` report their XState inspection events. */
  onInspection?: (record: InspectionRecord) => void;
  /** The clock of the actors placed inline (a backtest's simulated one); workers keep real time. */
  clock?: ActorClock;
}
