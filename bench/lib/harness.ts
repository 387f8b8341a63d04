/**
 * A benchmark measures named variants of one workload; one variant is the baseline. Repetitions interleave the
 * variants (baseline, subject, baseline, subject, ...) so that drift of a shared machine hits all of them alike,
 * and every figure is reported beside the baseline's from the same run, as a ratio.
 */
export interface Metric {
  unit: string;
  /** Whether a bigger number is better (throughput) or worse (latency, time). */
  better: 'higher' | 'lower';
  /** False: in the tables only, no bar chart in the HTML report (counts, flags, figures of one variant). */
  chart?: boolean;
  /** False: no ratio to the baseline (a growth against a baseline that does not grow reads as nonsense). */
  ratio?: boolean;
}

export type Figures = Record<string, number>;

export interface Target {
  description: string;
  variant: string;
  metric: string;
  /** The variant whose median `check` gets as `baseline`; default the bench's baseline. */
  against?: string;
  /** `value` is the variant's median, `baseline` the baseline's (or `against`'s) median of the same metric. */
  check(value: number, baseline: number): boolean;
}

/** A line over time (or any x) that a benchmark recorded, drawn in the HTML report: e.g. RSS through a soak. */
export interface Series {
  title: string;
  x: { label: string; unit: string; values: number[] };
  /** One line per entry, each as long as `x.values` (null where that line has no sample). */
  lines: { label: string; unit: string; values: (number | null)[] }[];
}

export interface Bench<TContext = unknown> {
  name: string;
  description: string;
  baseline: string;
  metrics: Record<string, Metric>;
  setup(quick: boolean): Promise<TContext>;
  variants: Record<string, (context: TContext) => Promise<Figures>>;
  teardown(context: TContext): Promise<void>;
  targets?: Target[];
  /**
   * Measured repetitions of every variant, in full and quick runs alike; default 7 (3 with `--quick`). A
   * benchmark that is one long run (the soak) says 1.
   */
  repetitions?: number;
  /** Whether each variant runs once unmeasured first; default true. A long run that warms itself up says false. */
  warmUp?: boolean;
  /** Lines over time for the HTML report, read after the last repetition (before teardown). */
  series?(context: TContext): Series[];
}

export function defineBench<TContext>(bench: Bench<TContext>): Bench<TContext> {
  if (!(bench.baseline in bench.variants)) {
    throw new Error(`bench '${bench.name}': baseline '${bench.baseline}' is not one of its variants`);
  }
  return bench;
}

export type AnyBench = Bench<never> | Bench<unknown>;
