import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { SamplerName } from './settings.ts';
import { HIGH_RATE_ATTRIBUTE } from './trace-context.ts';

export function namedSampler(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * The node's sampler: the configured one (parent-based, every root sampled, by default) for everything but the
 * roots of high-rate traces, which are sampled at their own, low ratio. So every order is traced while the market
 * data feeding strategies is traced now and then.
 */
export class FoxtrotSampler implements Sampler {
  private readonly highRate: Sampler;

  constructor(
    private readonly base: Sampler,
    highRateRatio: number,
  ) {
    this.highRate = new TraceIdRatioBasedSampler(highRateRatio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const sampler = attributes[HIGH_RATE_ATTRIBUTE] === true ? this.highRate : this.base;
    return sampler.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `FoxtrotSampler{base=${this.base.toString()}, highRate=${this.highRate.toString()}}`;
  }
}
