import { useEffect, useRef, useState } from 'preact/hooks';
import { href } from './route.ts';

const RANGES = [
  { value: '', label: 'all time', ms: undefined },
  { value: '5m', label: 'last 5 min', ms: 5 * 60_000 },
  { value: '1h', label: 'last 1 h', ms: 60 * 60_000 },
  { value: '24h', label: 'last 24 h', ms: 24 * 60 * 60_000 },
] as const;

export type TimeRange = (typeof RANGES)[number]['value'];

/** The trace list's filters, kept in the location hash so they survive opening a trace and coming back. */
export interface Filters {
  q: string;
  actor: string;
  type: string;
  instrument: string;
  errors: boolean;
  range: TimeRange;
}

const SEARCH_DELAY_MS = 300;

const asRange = (value: string): TimeRange => RANGES.find((known) => known.value === value)?.value ?? '';

export function readFilters(params: URLSearchParams): Filters {
  return {
    q: params.get('q') ?? '',
    actor: params.get('actor') ?? '',
    type: params.get('type') ?? '',
    instrument: params.get('instrument') ?? '',
    errors: params.get('errors') === '1',
    range: asRange(params.get('range') ?? ''),
  };
}

export function filtersHref(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value === true) params.set(name, '1');
    else if (typeof value === 'string' && value !== '') params.set(name, value);
  }
  return href.traces(params);
}

export const hasFilters = (filters: Filters): boolean =>
  Object.values(filters).some((value) => value !== '' && value !== false);

/** The start of the time range, from now. */
export function rangeStart(range: TimeRange): number | undefined {
  const ms = RANGES.find((known) => known.value === range)?.ms;
  return ms === undefined ? undefined : Date.now() - ms;
}

interface Props {
  filters: Filters;
  onChange: (filters: Filters) => void;
  actors: string[];
  types: string[];
  instruments: string[];
}

export function TraceFilters({ filters, onChange, actors, types, instruments }: Props) {
  const [text, setText] = useState(filters.q);
  // The debounced search applies to the filters current when it fires: each render makes them anew.
  const latest = useRef({ filters, onChange });
  latest.current = { filters, onChange };

  useEffect(() => setText(filters.q), [filters.q]);

  useEffect(() => {
    if (text === latest.current.filters.q) return;
    const timer = setTimeout(
      () => latest.current.onChange({ ...latest.current.filters, q: text }),
      SEARCH_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [text]);

  return (
    <div class="filters">
      <input
        class="search"
        type="search"
        data-testid="search"
        aria-label="Search"
        placeholder="Search order ids, instruments, actors, message types…"
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onChange({ ...filters, q: event.currentTarget.value });
        }}
      />
      <Choice
        label="Actor"
        value={filters.actor}
        options={actors}
        onPick={(actor) => onChange({ ...filters, actor })}
      />
      <Choice
        label="Message"
        value={filters.type}
        options={types}
        onPick={(type) => onChange({ ...filters, type })}
      />
      <Choice
        label="Instrument"
        value={filters.instrument}
        options={instruments}
        onPick={(instrument) => onChange({ ...filters, instrument })}
      />
      <label class="filter">
        <input
          type="checkbox"
          checked={filters.errors}
          onChange={(event) => onChange({ ...filters, errors: event.currentTarget.checked })}
        />{' '}
        errors only
      </label>
      <label class="filter">
        <select
          value={filters.range}
          aria-label="Time range"
          onChange={(event) => onChange({ ...filters, range: asRange(event.currentTarget.value) })}
        >
          {RANGES.map((range) => (
            <option key={range.value} value={range.value}>
              {range.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

interface ChoiceProps {
  label: string;
  value: string;
  options: string[];
  onPick: (value: string) => void;
}

/** A select of exact values; the current value stays listed even when no loaded trace has it. */
function Choice({ label, value, options, onPick }: ChoiceProps) {
  const listed = value === '' || options.includes(value) ? options : [value, ...options];
  return (
    <label class="filter">
      {label}{' '}
      <select value={value} onChange={(event) => onPick(event.currentTarget.value)}>
        <option value="">any</option>
        {listed.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}
