import { type FileHandle, open } from 'node:fs/promises';

const TAIL_BYTES = 64 * 1024;
const HEAD_BYTES = 4096;

/** The non-empty lines in `length` bytes of the file from `position`. */
async function linesAt(handle: FileHandle, position: number, length: number): Promise<string[]> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer
    .subarray(0, bytesRead)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

/**
 * The `ts` of a market data file's last line, for the progress bar's end; undefined when it cannot be told (the
 * bar then shows no fraction). The replay itself reads and checks every line: this is only an estimate.
 */
export async function lastTimestamp(file: string): Promise<number | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const tail = Math.min(size, TAIL_BYTES);
    const line = (await linesAt(handle, size - tail, tail)).at(-1);
    if (line === undefined) return undefined;
    if (line.trimStart().startsWith('{')) {
      const ts = (JSON.parse(line) as { ts?: unknown }).ts;
      return typeof ts === 'number' ? ts : undefined;
    }
    const [header] = await linesAt(handle, 0, Math.min(size, HEAD_BYTES));
    const column =
      header
        ?.split(',')
        .map((name) => name.trim())
        .indexOf('ts') ?? -1;
    if (column === -1) return undefined;
    const ts = Number(line.split(',')[column]);
    return Number.isFinite(ts) ? ts : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
