import type { ComponentChildren } from 'preact';
import type { SpanEvent, SpanView } from './api.ts';
import { formatClock, formatDuration, formatOffset, formatValue, prettyJson } from './format.ts';
import { href } from './route.ts';

interface Props {
  span: SpanView;
  traceId: string;
  traceStart: number;
  onClose: () => void;
}

const text = (value: unknown): string | undefined => (value === undefined ? undefined : formatValue(value));

/** The context digest: a string array, or its JSON text. */
function changedKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(formatValue);
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(formatValue) : [value];
  } catch {
    return [value];
  }
}

/** Everything about one span: what the actor handled, how its state moved, what went wrong. */
export function SpanDetail({ span, traceId, traceStart, onClose }: Props) {
  const attributes = span.attributes;
  const payload = text(attributes['foxtrot.message.payload']);
  const before = text(attributes['foxtrot.actor.state.before']);
  const after = text(attributes['foxtrot.actor.state.after']);
  const changed = changedKeys(attributes['foxtrot.actor.context.changed']);
  const destination = text(attributes['messaging.destination.name']);
  return (
    <aside class="span-detail" data-testid="span-detail">
      <header class="detail-head">
        <h3 class="mono">{span.name}</h3>
        <button type="button" class="close" onClick={onClose} aria-label="Close the span detail">
          ×
        </button>
      </header>
      {span.status.code === 2 && (
        <p class="status-error">Error{span.status.message ? `: ${span.status.message}` : ''}</p>
      )}
      <dl class="facts">
        <Fact name="Kind">{span.kind}</Fact>
        {span.actor !== undefined && (
          <Fact name="Actor">
            <a href={href.actor(span.actor)}>{span.actor}</a>
            {span.actorKind !== undefined && <span class="muted"> ({span.actorKind})</span>}
          </Fact>
        )}
        {span.kind === 'PRODUCER' && destination !== undefined && (
          <Fact name="Sent to">
            <a href={href.actor(destination)}>{destination}</a>
          </Fact>
        )}
        <Fact name="Thread">{span.thread}</Fact>
        <Fact name="Service">{span.service}</Fact>
        <Fact name="Duration">{formatDuration(span.end - span.start)}</Fact>
        <Fact name="Start">
          +{formatOffset(span.start - traceStart)} <span class="muted">({formatClock(span.start)})</span>
        </Fact>
        {span.messageType !== undefined && <Fact name="Message type">{span.messageType}</Fact>}
        {attributes['messaging.message.id'] !== undefined && (
          <Fact name="Message id">{formatValue(attributes['messaging.message.id'])}</Fact>
        )}
        {attributes['foxtrot.mailbox.depth'] !== undefined && (
          <Fact name="Mailbox depth">{formatValue(attributes['foxtrot.mailbox.depth'])}</Fact>
        )}
        <Fact name="Span id">{span.spanId}</Fact>
        {span.parentSpanId !== '' && (
          <Fact name="Parent">
            <a href={href.trace(traceId, span.parentSpanId)}>{span.parentSpanId}</a>
          </Fact>
        )}
      </dl>

      {payload !== undefined && (
        <Section title="Payload">
          <pre class="code">{prettyJson(payload)}</pre>
        </Section>
      )}

      {(before !== undefined || after !== undefined) && (
        <Section title={before === after ? 'State (unchanged)' : 'State (changed)'}>
          <div class={before === after ? 'state-pair' : 'state-pair state-changed'}>
            <div>
              <div class="state-label">before</div>
              <pre class="code" data-testid="state-before">
                {before ?? ''}
              </pre>
            </div>
            <div>
              <div class="state-label">after</div>
              <pre class="code" data-testid="state-after">
                {after ?? ''}
              </pre>
            </div>
          </div>
        </Section>
      )}

      {changed.length > 0 && (
        <Section title="Context changed">
          <ul class="chips">
            {changed.map((key) => (
              <li key={key} class="chip mono">
                {key}
              </li>
            ))}
          </ul>
        </Section>
      )}

      {span.events.length > 0 && (
        <Section title={`Events (${span.events.length})`}>
          <ol class="events">
            {span.events.map((event, index) => (
              <EventItem key={`${index}:${event.name}`} event={event} traceStart={traceStart} />
            ))}
          </ol>
        </Section>
      )}

      {span.links.length > 0 && (
        <Section title="Links">
          <ul class="links">
            {span.links.map((link) => (
              <li key={`${link.traceId}:${link.spanId}`} class="mono">
                <a href={href.trace(link.traceId, link.spanId)}>
                  {link.traceId === traceId ? 'this trace' : `trace ${link.traceId}`}, span {link.spanId}
                </a>
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title="Attributes">
        <AttributeTable attributes={attributes} />
      </Section>
    </aside>
  );
}

function Fact({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="detail-section">
      <h4>{title}</h4>
      {children}
    </section>
  );
}

const EXCEPTION_KEYS = new Set(['exception.type', 'exception.message', 'exception.stacktrace']);

function EventItem({ event, traceStart }: { event: SpanEvent; traceStart: number }) {
  const isException = event.name === 'exception';
  const stack = text(event.attributes['exception.stacktrace']);
  const others = isException
    ? Object.fromEntries(Object.entries(event.attributes).filter(([key]) => !EXCEPTION_KEYS.has(key)))
    : event.attributes;
  return (
    <li class={isException ? 'event event-exception' : 'event'}>
      <div>
        <span class="mono muted">+{formatOffset(event.time - traceStart)}</span> <strong>{event.name}</strong>
      </div>
      {isException && (
        <p class="exception">
          {text(event.attributes['exception.type']) ?? 'Error'}:{' '}
          {text(event.attributes['exception.message']) ?? ''}
        </p>
      )}
      {stack !== undefined && <pre class="code stack">{stack}</pre>}
      {Object.keys(others).length > 0 && <AttributeTable attributes={others} />}
    </li>
  );
}

function AttributeTable({ attributes }: { attributes: Record<string, unknown> }) {
  const keys = Object.keys(attributes).sort();
  if (keys.length === 0) return <p class="muted">none</p>;
  return (
    <table class="attributes">
      <tbody>
        {keys.map((key) => (
          <tr key={key}>
            <th class="mono">{key}</th>
            <td class="mono">{formatValue(attributes[key])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
