import { open } from 'node:fs/promises';

const TAIL_BYTES = 64 * 1024;

/** The last non-empty line of a file, read from its end. */
async function lastLine(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer
      .toString('utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
    return lines.at(-1);
  } finally {
    await handle.close();
  }
}

async function firstLine(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0];
  } finally {
    await handle.close();
  }
}

/**
 * The `ts` of a market data file's last line, for the progress bar's end; undefined when it cannot be told (the
 * bar then shows no fraction). The replay itself reads and checks every line: this is only an estimate.
 */
export async function lastTimestamp(file: string): Promise<number | undefined> {
  try {
    const line = await lastLine(file);
    if (line === undefined) return undefined;
    if (line.trimStart().startsWith('{')) {
      const ts = (JSON.parse(line) as { ts?: unknown }).ts;
      return typeof ts === 'number' ? ts : undefined;
    }
    const header = (await firstLine(file))?.split(',').map((name) => name.trim());
    const column = header?.indexOf('ts') ?? -1;
    if (column === -1) return undefined;
    const ts = Number(line.split(',')[column]);
    return Number.isFinite(ts) ? ts : undefined;
  } catch {
    return undefined;
  }
}
