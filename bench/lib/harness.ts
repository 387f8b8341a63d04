/**
 * A benchmark measures named variants of one workload; one variant is the baseline. Repetitions interleave the
 * variants (baseline, subject, baseline, subject, ...) so that drift of a shared machine hits all of them alike,
 * and every figure is reported beside the baseline's from the same run, as a ratio.
 */
export interface Metric {
  unit: string;
  /** Whether a bigger number is better (throughput) or worse (latency, time). */
  better: 'higher' | 'lower';
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

export interface Bench<TContext = unknown> {
  name: string;
  description: string;
  baseline: string;
  metrics: Record<string, Metric>;
  setup(quick: boolean): Promise<TContext>;
  variants: Record<string, (context: TContext) => Promise<Figures>>;
  teardown(context: TContext): Promise<void>;
  targets?: Target[];
}

export function defineBench<TContext>(bench: Bench<TContext>): Bench<TContext> {
  if (!(bench.baseline in bench.variants)) {
    throw new Error(`bench '${bench.name}': baseline '${bench.baseline}' is not one of its variants`);
  }
  return bench;
}

export type AnyBench = Bench<never> | Bench<unknown>;
