import type { Logger } from '../telemetry/logger.ts';
import { threadTelemetry } from '../telemetry/thread-telemetry.ts';
import type { Envelope } from './envelope.ts';
import { actorOf } from './wire.ts';

export interface DeadLetter {
  id: string;
  from: string;
  to: string;
  type: string;
  correlationId: string;
  reason: string;
  at: number;
}

export function deadLetterOf(envelope: Envelope, reason: string, at = Date.now()): DeadLetter {
  return {
    id: envelope.id,
    from: envelope.from,
    to: envelope.to,
    type: envelope.type,
    correlationId: envelope.correlationId,
    reason,
    at,
  };
}

export interface DeadLetterSink {
  record(letter: DeadLetter): void;
}

/**
 * Messages that could not be delivered: counted, kept (the most recent `capacity`) for inspection, and logged.
 * Logging is throttled, because a flood of dead letters must not turn into a flood of log lines.
 */
export class DeadLetterOffice implements DeadLetterSink {
  private readonly recentLetters: DeadLetter[] = [];
  private total = 0;
  private readonly byReason = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly capacity = 1000,
  ) {}

  record(letter: DeadLetter): void {
    this.total += 1;
    threadTelemetry().instruments.deadLetters.add(1, { 'foxtrot.actor.id': actorOf(letter.to) });
    this.byReason.set(letter.reason, (this.byReason.get(letter.reason) ?? 0) + 1);
    this.recentLetters.push(letter);
    if (this.recentLetters.length > this.capacity) this.recentLetters.shift();
    if (this.total <= 20 || this.total % 1000 === 0) {
      this.log.warn({ deadLetter: letter, deadLetters: this.total }, 'dead letter');
    }
  }

  get count(): number {
    return this.total;
  }

  recent(limit = this.capacity): DeadLetter[] {
    return this.recentLetters.slice(-limit);
  }

  countsByReason(): Record<string, number> {
    return Object.fromEntries(this.byReason);
  }
}
