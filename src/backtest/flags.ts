import { ValidationError } from '../resilience/errors.ts';

/** `--params`: a JSON object. */
export function parseParams(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ValidationError(`--params is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`--params must be a JSON object of parameters, got ${raw}`);
  }
  return value as Record<string, unknown>;
}

/** `--from` / `--to`: an ISO 8601 time or ms since the epoch. */
export function parseTime(flag: string, raw: string): number {
  const time = /^\d+$/.test(raw.trim()) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(time)) {
    throw new ValidationError(
      `${flag} expects an ISO 8601 time (2026-01-05T00:00:00Z) or ms since the epoch, got '${raw}'`,
    );
  }
  return time;
}
