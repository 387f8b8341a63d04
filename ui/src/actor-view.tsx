import { useMemo, useState } from 'preact/hooks';
import { ActorNav } from './actor-list.tsx';
import { ActorTimeline, stateColor } from './actor-timeline.tsx';
import { type ActorHistory, type ActorRestart, type ActorState, actorPath } from './api.ts';
import { formatTimestamp } from './format.ts';
import { Empty, ErrorNotice, Loading } from './notice.tsx';
import { href } from './route.ts';
import { useApi } from './use-api.ts';

/** One actor's recent state transitions and restarts, each leading to the trace it happened in. */
export function ActorView({ actorId }: { actorId: string }) {
  const history = useApi<ActorHistory>(actorPath(actorId));
  const [selected, setSelected] = useState<string | undefined>();
  const chronological = useMemo(
    () => (history.data?.states ?? []).slice().sort((a, b) => a.time - b.time),
    [history.data],
  );
  const picked = chronological.find((state) => state.spanId === selected);

  return (
    <div class="actor-page" data-testid="actor-view">
      <ActorNav current={actorId} />
      <section class="page actor-main">
        <h2 class="mono">{actorId}</h2>
        {history.error !== undefined && (
          <ErrorNotice title={`Could not load actor ${actorId}:`} message={history.error} />
        )}
        {history.data === undefined ? (
          history.error === undefined && <Loading what={`actor ${actorId}`} />
        ) : history.data.states.length === 0 && history.data.restarts.length === 0 ? (
          <Empty>No handled message or restart recorded for this actor yet.</Empty>
        ) : (
          <>
            <ActorTimeline
              states={chronological}
              restarts={history.data.restarts}
              selected={selected}
              onSelect={setSelected}
            />
            {picked !== undefined && <PickedState state={picked} />}
            <Transitions states={history.data.states} selected={selected} />
            <Restarts restarts={history.data.restarts} />
          </>
        )}
      </section>
    </div>
  );
}

function StateValue({ value }: { value: string }) {
  return (
    <span class="state-value mono" style={{ background: stateColor(value) }}>
      {value}
    </span>
  );
}

function PickedState({ state }: { state: ActorState }) {
  return (
    <p class="picked">
      <span class="mono">{formatTimestamp(state.time)}</span> <strong>{state.type}</strong>:{' '}
      <StateValue value={state.before} /> → <StateValue value={state.after} />
      {state.error !== undefined && <span class="error-text"> {state.error}</span>}{' '}
      <a href={href.trace(state.traceId, state.spanId)}>open in its trace</a>
    </p>
  );
}

function Transitions({ states, selected }: { states: ActorState[]; selected: string | undefined }) {
  return (
    <>
      <h3>Recent transitions ({states.length})</h3>
      <table class="table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Message</th>
            <th>Before</th>
            <th>After</th>
            <th>Error</th>
            <th>Trace</th>
          </tr>
        </thead>
        <tbody>
          {states.map((state) => (
            <tr
              key={state.spanId}
              data-testid="actor-state"
              class={state.spanId === selected ? 'selected' : undefined}
            >
              <td class="mono">{formatTimestamp(state.time)}</td>
              <td>{state.type}</td>
              <td>
                <StateValue value={state.before} />
              </td>
              <td>
                <StateValue value={state.after} />
              </td>
              <td class="error-text">{state.error ?? ''}</td>
              <td>
                <a href={href.trace(state.traceId, state.spanId)}>open</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Restarts({ restarts }: { restarts: ActorRestart[] }) {
  if (restarts.length === 0) return <p class="muted">No restarts.</p>;
  const newestFirst = restarts.slice().sort((a, b) => b.time - a.time);
  return (
    <>
      <h3>Restarts ({restarts.length})</h3>
      <table class="table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Event</th>
            <th>Detail</th>
            <th>Trace</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.map((restart) => (
            <tr key={`${restart.spanId}:${restart.time}:${restart.event}`}>
              <td class="mono">{formatTimestamp(restart.time)}</td>
              <td>{restart.event}</td>
              <td class="mono">{restart.detail ?? ''}</td>
              <td>
                <a href={href.trace(restart.traceId, restart.spanId)}>open</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
