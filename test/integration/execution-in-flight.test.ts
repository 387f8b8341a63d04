import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionProtocol } from '../../actors/execution/protocol.ts';
import { ActorSystem, siblingModule } from '../../src/index.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';
import { recorderModule, recorderProtocol } from '../fixtures/recorder.ts';
import { waitFor } from '../support/system.ts';

describe('execution in a worker, with a venue that does not answer', () => {
  let system: ActorSystem;

  beforeAll(async () => {
    system = await ActorSystem.start({
      id: 'in-flight',
      flags: { strategy: 'one_for_one' },
      children: [
        { id: 'venue-SIM', start: { actor: { module: recorderModule, export: 'recorderActor' } } },
        {
          id: 'execution',
          start: {
            actor: {
              module: siblingModule('../../actors/execution/worker', import.meta.url),
              export: 'executionActor',
            },
            placement: 'worker',
            input: {
              instruments: [btcSpec],
              notifyStrategies: false,
              inFlightCheckMs: 50,
              inFlightTimeoutMs: 200,
              maxQueries: 2,
            },
          },
        },
      ],
    });
  });
  afterAll(() => system.stop());

  it('asks the venue about an unanswered order on its own timer, and stops once answered', async () => {
    const execution = system.ref('execution', executionProtocol);
    const venue = system.ref('venue-SIM', recorderProtocol);
    execution.tell('submitOrder', { order: btcOrder('f-1') });
    const queries = async () => (await venue.ask('recorded', {})).filter((m) => m.type === 'queryOrder');
    await waitFor(async () => (await queries()).length >= 1, 5000, 'a query about f-1');
    expect((await queries())[0]?.payload).toMatchObject({
      clientOrderId: 'f-1',
      status: 'SUBMITTED',
      instrumentId: 'BTCUSDT.SIM',
    });
    execution.tell('venueEvent', { clientOrderId: 'f-1', event: { type: 'Accepted' } });
    await waitFor(async () => {
      const reply = await execution.ask('order', { clientOrderId: 'f-1' });
      return reply.found && (reply.order as { status: string }).status === 'ACCEPTED';
    });
    const asked = (await queries()).length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await queries()).length).toBe(asked);
  });
});
