/**
 * A copy of a value that survives structured clone. Machine context may hold actor refs or functions (and XState's
 * inspection events always do); inspection crosses threads, so those become descriptive strings.
 */
export function toCloneable(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
    if (typeof value === 'symbol') return value.toString();
    return value;
  }
  if (depth > 16) return '[too deep]';
  if (value instanceof Date || value instanceof RegExp) return value;
  if (Array.isArray(value)) return value.map((item) => toCloneable(item, depth + 1));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, toCloneable(v, depth + 1)]));
  if (value instanceof Set) return new Set([...value].map((v) => toCloneable(v, depth + 1)));
  const record = value as Record<string, unknown>;
  if (typeof record.sessionId === 'string' && typeof record.send === 'function')
    return `[actor ${record.id}]`;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) copy[key] = toCloneable(record[key], depth + 1);
  return copy;
}
