import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import type { BacktestOptions } from '../backtest/backtest-command.ts';
import { runTraceViewer } from '../traces/run-viewer.ts';
import { buildProgram } from './cli.ts';
import { inspectCommand } from './inspect.ts';
import { runNode } from './run.ts';
import { runScript } from './script/run-script.ts';

async function script(file: string): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`cannot read script ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const summary = await runScript(text, (line) => process.stdout.write(`${line}\n`));
  process.stderr.write(`${summary.lines} lines, ${summary.events} events, ${summary.errors} bad lines\n`);
  return summary.errors > 0 ? 1 : 0;
}

/** Loaded only for a backtest: the engine brings every actor's code into this thread. */
async function backtest(options: BacktestOptions): Promise<number> {
  return (await import('../backtest/backtest-command.ts')).backtestCommand(options);
}

/** The `foxtrot` command: `run` (the node), `inspect`, `script`, `traces` and `backtest`. `npm start` is `foxtrot run`. */
export async function foxtrot(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = buildProgram(
    { run: runNode, inspect: inspectCommand, script, traces: runTraceViewer, backtest },
    (exitCode) => {
      code = exitCode;
    },
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return code;
}
