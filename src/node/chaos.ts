import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { venueSimProtocol } from '../../actors/venue-sim/protocol.ts';
import type { ActorSystem, InjectedFault } from '../index.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { NodeConfig } from './config.ts';
import { NODE_IDS } from './tree.ts';

export interface ChaosRecord {
  at: number;
  actor: string;
  fault: InjectedFault;
  outcome: 'injected' | 'skipped';
  detail?: string;
}

/**
 * `--chaos`: every few seconds one actor's worker, picked at random (seeded), is made to fail in one of the real
 * ways (throw, exit, hang, run out of memory), and the simulated venue drops acknowledgements and sessions. The
 * node is expected to keep trading; the status line shows the restarts.
 */
export class ChaosMonkey {
  readonly records: ChaosRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly rng;

  constructor(
    private readonly system: ActorSystem,
    private readonly config: NodeConfig,
    private readonly actors: readonly string[],
    private readonly log: Logger,
  ) {
    this.rng = xoroshiro128plus(config.chaos.seed);
  }

  start(): void {
    const { dropAckRate, disconnectRate } = this.config.chaos.venueFaults;
    this.system
      .ref(NODE_IDS.venue(this.config.venue.name), venueSimProtocol)
      .tell('setFaults', { dropAckRate, disconnectRate });
    this.timer = setInterval(() => void this.strike(), this.config.chaos.everyMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const { dropAckRate, disconnectRate } = this.config.venue.faults;
    this.system
      .ref(NODE_IDS.venue(this.config.venue.name), venueSimProtocol)
      .tell('setFaults', { dropAckRate, disconnectRate });
  }

  private pick<T>(items: readonly T[]): T {
    return items[uniformInt(this.rng, 0, items.length - 1)] as T;
  }

  private async strike(): Promise<void> {
    const actor = this.pick(this.actors);
    const fault = this.pick(this.config.chaos.faults);
    const record: ChaosRecord = { at: Date.now(), actor, fault, outcome: 'injected' };
    try {
      await this.system.injectFault(actor, fault);
      this.log.warn({ chaos: record }, `chaos: ${fault} in ${actor}`);
    } catch (error) {
      // The actor is between incarnations (still restarting from an earlier strike): try another next time.
      record.outcome = 'skipped';
      record.detail = (error as Error).message;
    }
    this.records.push(record);
  }
}
