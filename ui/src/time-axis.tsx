/** A round step (1, 2 or 5 times a power of ten) that cuts `range` into about `count` parts. */
function roundStep(range: number, count: number): number {
  const rough = range / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((factor) => factor * magnitude).find((step) => step >= rough) ?? rough;
}

/** Ticks at round multiples of a step from `start` to `end`, about `count` of them. */
export function axisTicks(start: number, end: number, count: number): number[] {
  if (!(end > start)) return [start];
  const step = roundStep(end - start, count);
  const first = Math.ceil(start / step);
  const ticks: number[] = [];
  for (let index = first; index * step <= end; index++) ticks.push(index * step);
  return ticks;
}

/** A position on an axis of length `range` as a CSS percentage. */
export const percent = (value: number, range: number): string => `${(value / range) * 100}%`;

interface LabelsProps {
  ticks: number[];
  /** The time at the axis's left end, and the time the whole axis spans. */
  origin: number;
  range: number;
  label: (tick: number) => string;
}

/** Tick labels along an axis; those near the right end hang left of their tick, so they stay inside the axis. */
export function AxisLabels({ ticks, origin, range, label }: LabelsProps) {
  return (
    <>
      {ticks.map((tick) => (
        <span
          key={tick}
          class={(tick - origin) / range > 0.9 ? 'axis-tick axis-tick-end' : 'axis-tick'}
          style={{ left: percent(tick - origin, range) }}
        >
          {label(tick)}
        </span>
      ))}
    </>
  );
}
