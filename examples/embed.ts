/**
 * A host application embedding Foxtrot's runtime: two actors of its own in worker threads under a one-for-one
 * supervisor. It crashes the teller and shows it restarted with its state, and nothing lost on the way.
 *
 *   npx tsx examples/embed.ts
 */
import { pathToFileURL } from 'node:url';
import { type ActorStart, ActorSystem, type SupervisorSpec, siblingModule } from '../src/index.ts';
import { ledgerProtocol, tellerProtocol } from './ledger-actors.ts';

const actors = siblingModule('./ledger-actors', import.meta.url);

export const bankSpec: SupervisorSpec<ActorStart> = {
  id: 'bank',
  flags: { strategy: 'one_for_one', intensity: 3, periodMs: 10_000 },
  children: [
    { id: 'ledger', start: { actor: { module: actors, export: 'ledgerActor' } } },
    { id: 'teller', start: { actor: { module: actors, export: 'tellerActor' } } },
  ],
};

export interface EmbedResult {
  handledBefore: number;
  handledAfter: number;
  balance: number;
  restarts: number;
}

export async function runEmbedExample(print: (line: string) => void = console.log): Promise<EmbedResult> {
  const system = await ActorSystem.start(bankSpec);
  try {
    const teller = system.ref('teller', tellerProtocol);
    const ledger = system.ref('ledger', ledgerProtocol);
    for (let i = 0; i < 10; i += 1) teller.tell('deposit', { account: 'alice', cents: 100 });
    const before = await teller.ask('stats', {});
    print(`teller handled ${before.handled} deposits`);

    print('crashing the teller...');
    teller.tell('crash', {});
    for (let i = 0; i < 5; i += 1) teller.tell('deposit', { account: 'alice', cents: 100 });

    const after = await teller.ask('stats', {});
    // The teller passes deposits on over its own link to the ledger, independent of our asks: wait for them.
    let balance = await ledger.ask('balance', { account: 'alice' });
    for (let tries = 0; balance.cents < 1500 && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      balance = await ledger.ask('balance', { account: 'alice' });
    }
    const restarts = system.root.whichChildren().find((child) => child.id === 'teller')?.restarts ?? 0;
    print(`teller restarted ${restarts} time(s), resumed at ${before.handled}, now handled ${after.handled}`);
    print(`ledger balance of alice: ${balance.cents} cents`);
    return { handledBefore: before.handled, handledAfter: after.handled, balance: balance.cents, restarts };
  } finally {
    await system.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runEmbedExample();
}
