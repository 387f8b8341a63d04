import type { SpanKindName } from './api-types.ts';

export type { SpanKindName, SpanView } from './api-types.ts';

/** OTLP's span kinds, by their number on the wire. */
export const SPAN_KINDS: readonly SpanKindName[] = [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
];

/** What a request body held that is not OTLP: answered 400 with this reason, and nothing is stored. */
export class OtlpInputError extends Error {
  override readonly name = 'OtlpInputError';
}
