import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';

/** A counter for one fixed set of attributes: adding is an increment, nothing else. */
export interface BoundCounter {
  add(value?: number): void;
}

/** A histogram for one fixed set of attributes: recording finds the bucket and counts, nothing else. */
export interface BoundHistogram {
  record(value: number): void;
}

interface CounterSeries {
  attributes: Attributes;
  value: number;
}

interface HistogramSeries {
  attributes: Attributes;
  counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

interface Family<TSeries> {
  name: string;
  description: string;
  unit: string;
  series: TSeries[];
}

function cumulative(family: Family<unknown>) {
  const { name, description, unit } = family;
  return {
    descriptor: { name, description, unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
  };
}

/**
 * Counters and histograms bound to their attributes when an actor starts, for what happens on every message. The
 * SDK's instruments hash their attributes at every call (about a microsecond, more than handling some messages
 * takes); these do not, and reach the SDK's readers (the /metrics scrape and the OTLP push) as a metric producer,
 * cumulative, like the SDK's own instruments.
 */
export class BoundMetrics implements MetricProducer {
  private readonly counters = new Map<string, Family<CounterSeries>>();
  private readonly histograms = new Map<string, Family<HistogramSeries> & { boundaries: number[] }>();
  private readonly startTime: HrTime = hrTime();

  constructor(private readonly scope: { name: string }) {}

  counter(name: string, description: string, unit = ''): (attributes: Attributes) => BoundCounter {
    let family = this.counters.get(name);
    if (family === undefined) {
      family = { name, description, unit, series: [] };
      this.counters.set(name, family);
    }
    const series = family.series;
    return (attributes) => {
      const entry: CounterSeries = { attributes, value: 0 };
      series.push(entry);
      return {
        add: (value = 1) => {
          entry.value += value;
        },
      };
    };
  }

  histogram(
    name: string,
    description: string,
    unit: string,
    boundaries: number[],
  ): (attributes: Attributes) => BoundHistogram {
    let family = this.histograms.get(name);
    if (family === undefined) {
      family = { name, description, unit, series: [], boundaries };
      this.histograms.set(name, family);
    }
    const { series } = family;
    return (attributes) => {
      const entry: HistogramSeries = {
        attributes,
        counts: new Array(boundaries.length + 1).fill(0),
        sum: 0,
        count: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
      };
      series.push(entry);
      return {
        record: (value) => {
          let bucket = 0;
          while (bucket < boundaries.length && value > (boundaries[bucket] as number)) bucket += 1;
          entry.counts[bucket] = (entry.counts[bucket] as number) + 1;
          entry.sum += value;
          entry.count += 1;
          if (value < entry.min) entry.min = value;
          if (value > entry.max) entry.max = value;
        },
      };
    };
  }

  async collect(): Promise<CollectionResult> {
    const endTime = hrTime();
    const startTime = this.startTime;
    const metrics: MetricData[] = [];
    for (const family of this.counters.values()) {
      metrics.push({
        ...cumulative(family),
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: family.series.map(({ attributes, value }) => ({ startTime, endTime, attributes, value })),
      });
    }
    for (const family of this.histograms.values()) {
      metrics.push({
        ...cumulative(family),
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: family.series
          .filter((entry) => entry.count > 0)
          .map((entry) => ({
            startTime,
            endTime,
            attributes: entry.attributes,
            value: {
              buckets: { boundaries: family.boundaries, counts: [...entry.counts] },
              sum: entry.sum,
              count: entry.count,
              min: entry.min,
              max: entry.max,
            },
          })),
      });
    }
    return {
      resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: this.scope, metrics }] },
      errors: [],
    };
  }
}
