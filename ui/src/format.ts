/** Text for times, durations and attribute values. */

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** A duration in the unit that keeps it short: µs, ms, s or min. */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** An offset from a trace's start, for the time axis and span events. */
export function formatOffset(ms: number): string {
  if (ms === 0) return '0';
  if (Math.abs(ms) < 1) return `${(ms * 1000).toFixed(0)} µs`;
  return `${Number(ms.toPrecision(4))} ms`;
}

/** Local time of day with milliseconds. */
export function formatClock(time: number): string {
  const date = new Date(time);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Local date and time, the date left out when it is today. */
export function formatTimestamp(time: number): string {
  const date = new Date(time);
  const today = new Date();
  const clock = formatClock(time);
  if (date.toDateString() === today.toDateString()) return clock;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock}`;
}

/** An attribute value as text: strings as they are, anything else as JSON. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** Indented JSON when the text parses as JSON, else the text itself. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
