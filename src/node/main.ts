import { type ActorStart, ActorSystem, type SupervisorSpec, siblingModule } from '../index.ts';
import { parseNodeArgs, USAGE } from './cli.ts';
import { pulseProtocol, tallyProtocol } from './demo-actors.ts';

/** `npm start`: the headless node. It runs the demo tree until the trading actors replace it. */
async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseNodeArgs>;
  try {
    options = parseNodeArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const actors = siblingModule('./demo-actors', import.meta.url);
  const spec: SupervisorSpec<ActorStart> = {
    id: 'foxtrot',
    flags: { strategy: 'one_for_one', intensity: 5, periodMs: 10_000 },
    children: [
      { id: 'tally', start: { actor: { module: actors, export: 'tallyActor' } } },
      {
        id: 'pulse',
        start: { actor: { module: actors, export: 'pulseActor' }, input: { everyMs: options.pulseMs } },
      },
    ],
  };

  const startedAt = Date.now();
  const system = await ActorSystem.start(spec);
  const tally = system.ref('tally', tallyProtocol);
  const pulse = system.ref('pulse', pulseProtocol);
  process.stdout.write(`foxtrot node up (pid ${process.pid}); Ctrl-C stops it\n`);

  const status = setInterval(async () => {
    const stats = await tally.ask('stats', {}).catch(() => undefined);
    const restarts = system.root.whichChildren().reduce((sum, child) => sum + child.restarts, 0);
    const up = ((Date.now() - startedAt) / 1000).toFixed(0);
    const beats = stats ? String(stats.beats) : '?';
    process.stdout.write(
      `up ${up}s | beats ${beats} | restarts ${restarts} | dead letters ${system.deadLetters.count}\n`,
    );
  }, 1000);
  const chaos =
    options.crashEveryS === undefined
      ? undefined
      : setInterval(() => pulse.tell('crash', {}), options.crashEveryS * 1000);

  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    if (options.durationS !== undefined)
      setTimeout(() => resolve('duration reached'), options.durationS * 1000);
    system.whenTerminated().then((reason) => resolve(`supervision tree stopped: ${reason.type}`));
  });
  const why = await stopped;
  clearInterval(status);
  if (chaos) clearInterval(chaos);
  process.stdout.write(`stopping (${why})...\n`);
  await system.stop();
  const reason = await system.whenTerminated();
  process.stdout.write('stopped cleanly\n');
  return reason.type === 'failure' ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
