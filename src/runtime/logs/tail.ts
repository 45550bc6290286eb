import { open } from 'node:fs/promises';
import { parseLogLine, type LogLine } from './parse.js';

const CHUNK = 64 * 1024;

/**
 * The last records of a set of files (oldest file first) holding `count` complete lines of the
 * streams `accept` takes, plus the partial records leading into them. Reads backwards from each
 * file's end, so memory grows with `count`, not with the log's size. `sizes` pins where each
 * file ends (the live log may grow while we read); bytes after the last newline are ignored.
 */
export async function tailRecords(
  files: string[], sizes: number[], count: number, accept: (l: LogLine) => boolean,
): Promise<LogLine[]> {
  const reversed: LogLine[] = [];
  const keptStreams = new Set<string>();
  let complete = 0;
  if (count <= 0) return [];
  outer:
  for (let f = files.length - 1; f >= 0; f--) {
    for await (const raw of linesBackwards(files[f]!, sizes[f]!)) {
      const line = parseLogLine(raw);
      if (!line || !accept(line)) continue;
      if (complete >= count) {
        // Enough lines: only the leading pieces of lines already kept remain to take.
        if (!line.partial) break outer;
        if (keptStreams.has(line.stream)) reversed.push(line);
        continue;
      }
      reversed.push(line);
      if (!line.partial) { complete++; keptStreams.add(line.stream); }
    }
  }
  return reversed.reverse();
}

/** Complete lines of the first `size` bytes of a file, last first. */
async function* linesBackwards(file: string, size: number): AsyncGenerator<Buffer> {
  let fh;
  try { fh = await open(file, 'r'); } catch { return; }
  try {
    let end = size;
    let carry: Buffer = Buffer.alloc(0);
    // The piece after the last newline is empty or still being written: never a line.
    let first = true;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const buf = Buffer.alloc(end - start);
      await fh.read(buf, 0, buf.length, start);
      end = start;
      let data = carry.length > 0 ? Buffer.concat([buf, carry]) : buf;
      let nl = data.lastIndexOf(0x0a);
      while (nl >= 0) {
        if (!first) yield data.subarray(nl + 1);
        first = false;
        data = data.subarray(0, nl);
        nl = data.lastIndexOf(0x0a);
      }
      carry = Buffer.from(data);
    }
    if (carry.length > 0 && !first) yield carry;
  } finally {
    await fh.close();
  }
}

/** The offset just after the last newline within the first `size` bytes (0 if none). */
export async function endOfLastLine(file: string, size: number): Promise<number> {
  let fh;
  try { fh = await open(file, 'r'); } catch { return 0; }
  try {
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const buf = Buffer.alloc(end - start);
      await fh.read(buf, 0, buf.length, start);
      const nl = buf.lastIndexOf(0x0a);
      if (nl >= 0) return start + nl + 1;
      end = start;
    }
    return 0;
  } finally {
    await fh.close();
  }
}
