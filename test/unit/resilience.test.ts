import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from '../../src/resilience/circuit-breaker.ts';
import { CircuitOpenError, ValidationError, VenueError } from '../../src/resilience/errors.ts';
import { retry } from '../../src/resilience/retry.ts';

const backoff = { minMs: 10, maxMs: 80, jitter: 0.5 };

describe('retry', () => {
  it('retries recoverable errors with exponential backoff and jitter, then succeeds', async () => {
    const waits: number[] = [];
    const result = await retry(
      async (attempt) => {
        if (attempt < 3) throw new VenueError('SIM', 'VENUE_TIMEOUT', 'no answer');
        return 'done';
      },
      { attempts: 5, backoff, sleep: async (ms) => void waits.push(ms), random: () => 1 },
    );
    expect(result).toBe('done');
    expect(waits).toEqual([15, 30, 60]);
  });

  it('waits at least what the error asks, and gives up after the attempts with the last error', async () => {
    const waits: number[] = [];
    const limited = new VenueError('SIM', 'VENUE_RATE_LIMITED', 'slow down', { retryAfter: 500 });
    await expect(
      retry(
        async () => {
          throw limited;
        },
        { attempts: 3, backoff, sleep: async (ms) => void waits.push(ms), random: () => 0 },
      ),
    ).rejects.toBe(limited);
    expect(waits).toEqual([500, 500]);
  });

  it('does not retry what retrying cannot fix', async () => {
    let calls = 0;
    const refused = async () => {
      calls += 1;
      throw new ValidationError('bad order');
    };
    await expect(retry(refused, { attempts: 5, backoff, sleep: async () => undefined })).rejects.toThrow(
      'bad order',
    );
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new VenueError('SIM', 'VENUE_REJECTED', 'no');
        },
        { attempts: 5, backoff, sleep: async () => undefined },
      ),
    ).rejects.toThrow('venue SIM: no');
    expect(calls).toBe(2);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, refuses while open, half-opens after a while, and closes on success', async () => {
    let now = 0;
    const changes: string[] = [];
    const breaker = new CircuitBreaker('SIM', {
      failureThreshold: 3,
      openMs: 1000,
      now: () => now,
      onStateChange: (from: CircuitState, to: CircuitState) => changes.push(`${from}->${to}`),
    });
    const fail = () =>
      breaker.call(async () => {
        throw new VenueError('SIM', 'VENUE_DISCONNECTED', 'down');
      });
    await expect(fail()).rejects.toThrow('down');
    await breaker.call(async () => 'ok');
    for (let i = 0; i < 3; i += 1) await expect(fail()).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    now = 400;
    const refused = await breaker.call(async () => 'never').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ retryAfter: 600, recoverable: true });
    now = 1000;
    expect(breaker.state).toBe('half-open');
    await expect(fail()).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    now = 2000;
    await expect(breaker.call(async () => 'back')).resolves.toBe('back');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->open',
      'open->half-open',
      'half-open->closed',
    ]);
  });

  it('lets only the allowed number of trial calls through while half-open', async () => {
    let now = 0;
    const breaker = new CircuitBreaker('SIM', {
      failureThreshold: 1,
      openMs: 10,
      halfOpenCalls: 1,
      now: () => now,
    });
    await expect(breaker.call(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    now = 10;
    let release: (value: string) => void = () => undefined;
    const trial = breaker.call(() => new Promise<string>((resolve) => (release = resolve)));
    await expect(breaker.call(async () => 'second')).rejects.toBeInstanceOf(CircuitOpenError);
    release('first');
    await expect(trial).resolves.toBe('first');
    expect(breaker.state).toBe('closed');
  });
});
