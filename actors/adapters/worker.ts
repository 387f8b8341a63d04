import { fromPromise, sendParent } from 'xstate';
import { type ActorIO, defineActor, type FastHandler, perActor } from '../../src/index.ts';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.ts';
import { describeError } from '../../src/resilience/errors.ts';
import { connectionMachine } from './connection-machine.ts';
import {
  type AdapterContext,
  type AdapterInternalEvent,
  adapterMachine,
  isOrderCall,
  type OrderMessage,
  routeOrder,
} from './machine.ts';
import { adapterProtocol } from './protocol.ts';
import { collectSessionFacts } from './session-facts.ts';
import { SimVenueClient } from './sim-venue-client.ts';
import { callVenue, type VenueCall } from './venue-calls.ts';
import { countsAgainstVenue, outcomeUnknown, reasonOf, type VenueClient } from './venue-client.ts';

interface Session {
  client: VenueClient;
  breaker: CircuitBreaker;
  /** Order calls the venue took: counted here, as the machine has nothing to do when one succeeds. */
  routed: number;
}

/** One incarnation's venue session and its calls, shared by the fast handlers and the effects. */
interface Venue {
  /** The session, made at the first effect that has the adapter's context: the machine's entry. */
  sessionFor(context: AdapterContext): Session;
  readonly session: Session | undefined;
  /** Makes a call to the venue; what the machine must learn of it comes back through `send`. */
  perform(context: AdapterContext, call: VenueCall, send: (event: AdapterInternalEvent) => void): void;
}

const venueOf = perActor((io: ActorIO): Venue => {
  let session: Session | undefined;
  const sessionFor = (context: AdapterContext): Session => {
    session ??= {
      client: new SimVenueClient(io, {
        venue: context.venue,
        venueActorId: context.venueActorId,
        callTimeoutMs: context.callTimeoutMs,
      }),
      breaker: new CircuitBreaker(`venue ${context.venue}`, {
        failureThreshold: context.breaker.failureThreshold,
        openMs: context.breaker.resetTimeoutMs,
        now: io.now,
        isFailure: countsAgainstVenue,
        onStateChange: (from, to) => io.log.warn({ venue: context.venue, from, to }, 'venue circuit changed'),
      }),
      routed: 0,
    };
    return session;
  };
  return {
    sessionFor,
    get session() {
      return session;
    },
    perform(context, call, send) {
      const current = sessionFor(context);
      callVenue(current.client, current.breaker, call).then(
        (result) => {
          if (isOrderCall(call)) current.routed += 1;
          else send({ type: 'call.done', call, result });
        },
        (error: unknown) => {
          io.log.warn(
            { venue: context.venue, call: call.kind, error: describeError(error) },
            'venue call failed',
          );
          send({ type: 'call.failed', call, reason: reasonOf(error), outcomeUnknown: outcomeUnknown(error) });
        },
      );
    },
  };
});

const routeOrderMessage: FastHandler<typeof adapterMachine> = (message, actor, io) => {
  const context = actor.snapshot.context;
  const routing = routeOrder(context, message as OrderMessage);
  if (routing === undefined) return;
  if ('call' in routing) venueOf(io).perform(context, routing.call, actor.send);
  else io.tell(context.executionId, 'venueEvent', routing.refusal);
};

type Forwarded = { clientOrderId: string; event: { type: string } };

/**
 * The venue adapter as an actor, on the simulated venue. Orders arrive at order rate and quotes, trades and order
 * reports at venue rate, so fast handlers route and forward them without a transition; only a fill tells the machine (its time bounds the next
 * reconcile). The client and the circuit breaker live here, in the effects, since they hold I/O and a clock.
 */
export const adapterActor = defineActor({
  kind: 'venue-adapter',
  protocol: adapterProtocol,
  machine: adapterMachine,
  handlers: {
    submit: routeOrderMessage,
    modify: routeOrderMessage,
    cancel: routeOrderMessage,
    quote: (message, actor, io) => {
      io.tell(actor.snapshot.context.marketDataId, 'quote', message.payload);
    },
    trade: (message, actor, io) => {
      io.tell(actor.snapshot.context.marketDataId, 'trade', message.payload);
    },
    venueReport: (message, actor, io) => {
      const report = message.payload as Forwarded;
      io.tell(actor.snapshot.context.executionId, 'venueEvent', report, {
        correlationId: message.meta.correlationId,
      });
      if (report.event.type === 'Filled') actor.send({ type: 'fill.seen', at: message.meta.timestamp });
    },
  },
  effects: (io) => {
    const venue = venueOf(io);
    const live = (): Session => {
      if (venue.session === undefined) throw new Error('the adapter has not started its session yet');
      return venue.session;
    };
    return {
      actors: {
        connection: connectionMachine.provide({
          actors: {
            openConnection: fromPromise(async () => {
              await live().client.connect();
            }),
            closeConnection: fromPromise(() => live().client.disconnect()),
          },
          actions: {
            report: sendParent((_, params: { state: AdapterContext['connection'] }) => ({
              type: 'connection.changed' as const,
              state: params.state,
              at: io.now(),
            })),
          },
        }),
      },
      actions: {
        configure: ({ context }) => {
          venue.sessionFor(context);
        },
        call: ({ context, self }, { call }) => venue.perform(context, call, (event) => self.send(event)),
        report: ({ context }, { reports }) => {
          for (const report of reports) io.tell(context.executionId, 'venueEvent', report);
        },
        reconcile: ({ context, self }, params) => {
          const { client, breaker } = venue.sessionFor(context);
          const askExecution = () =>
            io.ask(context.executionId, 'openOrders', {}, { timeoutMs: context.callTimeoutMs });
          collectSessionFacts(client, breaker, params, askExecution).then(
            (facts) => self.send({ type: 'session.reconciled', facts }),
            (error: unknown) => {
              io.log.warn(
                { venue: context.venue, error: describeError(error) },
                'new venue session not reconciled',
              );
              self.send({ type: 'session.unreconciled', reason: describeError(error), ...params });
            },
          );
        },
        notifyRisk: ({ context }, { reason }) => {
          if (context.riskId === undefined) return;
          if (reason === undefined) io.tell(context.riskId, 'venueReconciled', { venue: context.venue });
          else io.tell(context.riskId, 'venueUnreconciled', { venue: context.venue, reason });
        },
        adopt: ({ context }, { orders }) => {
          for (const order of orders) io.tell(context.executionId, 'adoptOrder', { order });
        },
        answerStatus: ({ context, event }) => {
          if (event.type !== 'status') return;
          io.reply(event.meta, {
            venue: context.venue,
            connection: context.connection,
            breaker: venue.session?.breaker.state ?? 'closed',
            reconnects: Math.max(0, context.sessions - 1),
            subscriptions: context.subscriptions,
            routed: venue.session?.routed ?? 0,
            failedCalls: context.failedCalls,
          });
        },
      },
    };
  },
});
