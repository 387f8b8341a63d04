import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actorLogger, rootLogger, setActorLogLevel } from '../../src/telemetry/logger.ts';
import { tempDir } from '../support/temp-dir.ts';

const dir = tempDir('logger');
const file = join(dir.path, 'foxtrot.log');
// The thread's logger reads its destination once, when first used: this file imports nothing else that logs.
process.env.FOXTROT_LOG_DESTINATION = file;
process.env.FOXTROT_NODE = 'node-7';
const level = process.env.FOXTROT_LOG_LEVEL;
process.env.FOXTROT_LOG_LEVEL = 'info';

const lines = () =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** The destination file opens asynchronously: the first lines land once it is open. */
async function logged(message: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const line = lines().find((entry) => entry.msg === message);
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`no line '${message}' in ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('logging', () => {
  afterAll(() => {
    delete process.env.FOXTROT_LOG_DESTINATION;
    delete process.env.FOXTROT_NODE;
    if (level === undefined) delete process.env.FOXTROT_LOG_LEVEL;
    else process.env.FOXTROT_LOG_LEVEL = level;
    dir.remove();
  });

  it('redacts secrets wherever a logged object has them', async () => {
    rootLogger().info(
      { apiKey: 'k1', venue: { name: 'SIM', apiSecret: 's1', auth: { token: 't1', password: 'p1' } } },
      'secrets',
    );
    const line = await logged('secrets');
    expect(line).toMatchObject({
      node: 'node-7',
      apiKey: '[redacted]',
      venue: { name: 'SIM', apiSecret: '[redacted]', auth: { token: '[redacted]', password: '[redacted]' } },
    });
    expect(readFileSync(file, 'utf8')).not.toMatch(/k1|s1|t1|p1/);
  });

  it("carries the actor's id and kind, and changes one actor's level while the others keep theirs", async () => {
    const risk = actorLogger('risk', 'risk');
    const execution = actorLogger('execution', 'execution');
    risk.debug('risk debug before');
    expect(setActorLogLevel('risk', 'debug')).toBe(true);
    expect(setActorLogLevel('nobody', 'debug')).toBe(false);
    risk.debug('risk debug after');
    execution.debug('execution debug after');
    execution.info('execution info after');
    await logged('execution info after');
    const messages = lines().map((entry) => entry.msg);
    expect(messages).toContain('risk debug after');
    expect(messages).not.toContain('risk debug before');
    expect(messages).not.toContain('execution debug after');
    expect(lines().find((entry) => entry.msg === 'risk debug after')).toMatchObject({
      actor: 'risk',
      kind: 'risk',
    });
  });
});
