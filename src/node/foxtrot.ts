import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runScript } from './script/run-script.ts';

const USAGE = `Usage: foxtrot <command>

Commands:
  script FILE   feed a JSONL script through risk, execution and portfolio on a simulated clock and print every
                resulting event as one JSON line (format: docs/script-format.md)`;

async function main(argv: string[]): Promise<number> {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {} }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, file, ...rest] = positionals;
  if (command !== 'script' || file === undefined || rest.length > 0) {
    process.stderr.write(
      `${command === undefined ? 'no command given' : `cannot run '${positionals.join(' ')}'`}\n\n${USAGE}\n`,
    );
    return 2;
  }
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

process.exitCode = await main(process.argv.slice(2));
