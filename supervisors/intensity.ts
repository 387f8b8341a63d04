/**
 * Restart intensity, exactly as OTP's supervisor counts it: a restart at `now` keeps the earlier restarts that
 * happened at or after `now - periodMs` (a sliding window) and adds itself; if the window then holds more than
 * `intensity` restarts, the supervisor gives up.
 */
export interface IntensityLimit {
  intensity: number;
  periodMs: number;
}

export function recordRestart(
  history: readonly number[],
  now: number,
  limit: IntensityLimit,
): { history: number[]; exceeded: boolean } {
  const threshold = now - limit.periodMs;
  const kept = history.filter((at) => at >= threshold);
  kept.push(now);
  return { history: kept, exceeded: kept.length > limit.intensity };
}
