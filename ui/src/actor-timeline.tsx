import type { ActorRestart, ActorState } from './api.ts';
import { formatClock } from './format.ts';
import { AxisLabels, axisTicks, percent } from './time-axis.tsx';

/** A stable pale colour per state value, so the same state looks the same on the timeline and in the table. */
export function stateColor(value: string): string {
  let hash = 0;
  for (let index = 0; index < value.length; index++) hash = (hash * 31 + value.charCodeAt(index)) | 0;
  return `hsl(${Math.abs(hash) % 360} 60% 86%)`;
}

interface Band {
  value: string;
  from: number;
  to: number;
}

/** The stretches of time the actor spent in one state value: each transition starts the next. */
function bandsOf(states: ActorState[], start: number, end: number): Band[] {
  const first = states[0];
  if (first === undefined) return [];
  const bands: Band[] = [];
  let current: Band = { value: first.before, from: start, to: end };
  for (const state of states) {
    if (state.after === current.value) continue;
    bands.push({ ...current, to: state.time });
    current = { value: state.after, from: state.time, to: end };
  }
  bands.push(current);
  return bands;
}

interface Props {
  /** Oldest first. */
  states: ActorState[];
  restarts: ActorRestart[];
  selected: string | undefined;
  onSelect: (spanId: string) => void;
}

/** The actor's state values over time: a band per value, a tick per handled message, a mark per restart. */
export function ActorTimeline({ states, restarts, selected, onSelect }: Props) {
  const times = [...states.map((state) => state.time), ...restarts.map((restart) => restart.time)];
  const low = Math.min(...times);
  const high = Math.max(...times);
  const margin = Math.max((high - low) * 0.03, 1);
  const start = low - margin;
  const range = high + margin - start;
  const at = (time: number): string => percent(time - start, range);
  return (
    <div class="timeline">
      <div class="timeline-track">
        {bandsOf(states, start, start + range).map((band) => (
          <div
            key={band.from}
            class="band"
            style={{
              left: at(band.from),
              width: percent(band.to - band.from, range),
              background: stateColor(band.value),
            }}
            title={band.value}
          >
            {band.value}
          </div>
        ))}
        {states.map((state) => (
          <button
            type="button"
            key={state.spanId}
            class={`tick${state.error === undefined ? '' : ' tick-error'}${state.spanId === selected ? ' tick-selected' : ''}`}
            style={{ left: at(state.time) }}
            title={`${state.type}: ${state.before} → ${state.after}${state.error === undefined ? '' : ` (${state.error})`}`}
            aria-label={`${state.type} at ${formatClock(state.time)}`}
            onClick={() => onSelect(state.spanId)}
          />
        ))}
        {restarts.map((restart) => (
          <div
            key={`${restart.spanId}:${restart.time}:${restart.event}`}
            class="restart-mark"
            style={{ left: at(restart.time) }}
            title={`${restart.event}${restart.detail === undefined ? '' : `: ${restart.detail}`}`}
          />
        ))}
      </div>
      <div class="timeline-axis">
        <AxisLabels
          ticks={axisTicks(start, start + range, 6)}
          origin={start}
          range={range}
          label={formatClock}
        />
      </div>
    </div>
  );
}
