import { describe, expect, it } from 'vitest';
import { runEmbedExample } from '../../examples/embed.ts';

describe('the embedding example', () => {
  it('runs a host application: its actor crashes and comes back with its state, nothing lost', async () => {
    const lines: string[] = [];
    const result = await runEmbedExample((line) => lines.push(line));
    expect(result).toEqual({ handledBefore: 10, handledAfter: 15, balance: 1500, restarts: 1 });
    expect(lines.join('\n')).toContain('teller restarted 1 time(s)');
  });
});
