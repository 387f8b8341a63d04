import { OtlpInputError, SPAN_KINDS, type SpanKindName, type SpanView } from './span-view.ts';

/** An OTLP AnyValue as both encodings give it once decoded (JSON: camelCase; protobuf: the same via toObject). */
export interface AnyValueInput {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueInput[] };
  kvlistValue?: { values?: KeyValueInput[] };
  bytesValue?: string | Uint8Array;
}

export interface KeyValueInput {
  key: string;
  value?: AnyValueInput;
}

export interface SpanInput {
  traceId: string | Uint8Array;
  spanId: string | Uint8Array;
  parentSpanId?: string | Uint8Array;
  name: string;
  kind?: number | string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValueInput[];
  events?: Array<{ timeUnixNano: string | number; name: string; attributes?: KeyValueInput[] }>;
  links?: Array<{ traceId: string | Uint8Array; spanId: string | Uint8Array }>;
  status?: { code?: number | string; message?: string };
}

export interface TraceRequestInput {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValueInput[] };
    scopeSpans?: Array<{ spans?: SpanInput[] }>;
  }>;
}

function anyValue(value: AnyValueInput | undefined, where: string): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw new OtlpInputError(`${where}: expected an AnyValue object`);
  if (value.stringValue !== undefined) return String(value.stringValue);
  if (value.boolValue !== undefined) return Boolean(value.boolValue);
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue !== undefined) {
    return (value.arrayValue.values ?? []).map((item, i) => anyValue(item, `${where}[${i}]`));
  }
  if (value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values, where);
  if (value.bytesValue !== undefined) return hexOf(value.bytesValue, where, 0);
  return undefined;
}

export function attributesOf(list: KeyValueInput[] | undefined, where: string): Record<string, unknown> {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) throw new OtlpInputError(`${where}: attributes must be a list`);
  const attributes: Record<string, unknown> = {};
  for (const [i, entry] of list.entries()) {
    if (typeof entry?.key !== 'string')
      throw new OtlpInputError(`${where}.attributes[${i}]: key must be a string`);
    attributes[entry.key] = anyValue(entry.value, `${where}.attributes[${i}]`);
  }
  return attributes;
}

const HEX = /^[0-9a-f]*$/;

/** Ids: hex in JSON, bytes in protobuf. An id of the wrong length is not OTLP. */
function hexOf(value: string | Uint8Array | undefined, where: string, bytes: number): string {
  if (value === undefined || value === null) return '';
  const hex = typeof value === 'string' ? value.toLowerCase() : Buffer.from(value).toString('hex');
  if (hex === '') return '';
  if (bytes > 0 && (hex.length !== bytes * 2 || !HEX.test(hex))) {
    throw new OtlpInputError(`${where}: expected ${bytes} bytes as hex, got '${String(value).slice(0, 40)}'`);
  }
  return hex;
}

/** Nanoseconds since the epoch (a decimal string or a number) to milliseconds, keeping microseconds. */
function millisOf(value: string | number | undefined, where: string): number {
  if (value === undefined || value === null) throw new OtlpInputError(`${where}: missing`);
  const text = String(value);
  if (!/^\d+$/.test(text))
    throw new OtlpInputError(`${where}: expected nanoseconds since the epoch, got '${text}'`);
  return Number(BigInt(text) / 1000n) / 1000;
}

function kindOf(kind: number | string | undefined, where: string): SpanKindName {
  if (kind === undefined) return 'UNSPECIFIED';
  if (typeof kind === 'string') {
    const name = kind.replace(/^SPAN_KIND_/, '') as SpanKindName;
    if (SPAN_KINDS.includes(name)) return name;
  } else if (Number.isInteger(kind) && kind >= 0 && kind < SPAN_KINDS.length) {
    return SPAN_KINDS[kind] as SpanKindName;
  }
  throw new OtlpInputError(`${where}: unknown span kind ${JSON.stringify(kind)}`);
}

function statusCodeOf(code: number | string | undefined): 0 | 1 | 2 {
  if (code === 2 || code === 'STATUS_CODE_ERROR') return 2;
  if (code === 1 || code === 'STATUS_CODE_OK') return 1;
  return 0;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Every span of an export request, checked and flattened with its resource's service and thread. */
export function spansOfRequest(request: TraceRequestInput): SpanView[] {
  if (typeof request !== 'object' || request === null) throw new OtlpInputError('body: expected an object');
  const resourceSpans = request.resourceSpans ?? [];
  if (!Array.isArray(resourceSpans)) throw new OtlpInputError('resourceSpans: expected a list');
  const spans: SpanView[] = [];
  for (const [r, group] of resourceSpans.entries()) {
    const resource = attributesOf(group?.resource?.attributes, `resourceSpans[${r}].resource`);
    const service = text(resource['service.name']) ?? 'unknown';
    const thread = text(resource['thread.name']) ?? '';
    for (const [s, scope] of (group?.scopeSpans ?? []).entries()) {
      for (const [i, span] of (scope?.spans ?? []).entries()) {
        const where = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        if (typeof span?.name !== 'string') throw new OtlpInputError(`${where}.name: must be a string`);
        const attributes = attributesOf(span.attributes, where);
        const actor = text(attributes['foxtrot.actor.id']);
        const actorKind = text(attributes['foxtrot.actor.kind']);
        const messageType = text(attributes['foxtrot.message.type']);
        const status = statusCodeOf(span.status?.code);
        spans.push({
          traceId: hexOf(span.traceId, `${where}.traceId`, 16),
          spanId: hexOf(span.spanId, `${where}.spanId`, 8),
          parentSpanId: hexOf(span.parentSpanId, `${where}.parentSpanId`, 8),
          name: span.name,
          kind: kindOf(span.kind, `${where}.kind`),
          start: millisOf(span.startTimeUnixNano, `${where}.startTimeUnixNano`),
          end: millisOf(span.endTimeUnixNano, `${where}.endTimeUnixNano`),
          service,
          thread,
          ...(actor === undefined ? {} : { actor }),
          ...(actorKind === undefined ? {} : { actorKind }),
          ...(messageType === undefined ? {} : { messageType }),
          attributes,
          events: (span.events ?? []).map((event, e) => ({
            name: String(event.name),
            time: millisOf(event.timeUnixNano, `${where}.events[${e}].timeUnixNano`),
            attributes: attributesOf(event.attributes, `${where}.events[${e}]`),
          })),
          links: (span.links ?? []).map((link, l) => ({
            traceId: hexOf(link.traceId, `${where}.links[${l}].traceId`, 16),
            spanId: hexOf(link.spanId, `${where}.links[${l}].spanId`, 8),
          })),
          status: span.status?.message ? { code: status, message: span.status.message } : { code: status },
        });
      }
    }
  }
  return spans;
}
