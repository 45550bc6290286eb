import { open } from 'node:fs/promises';
import { parseLogLine, type LogLine } from './parse.js';

const CHUNK = 64 * 1024;
/** conmon's records are a few KiB; a longer run without a newline is damage, skipped unread. */
const MAX_LINE = 1024 * 1024;

/** A place in a set of log files: the index of a file and a byte offset in it. */
export interface LogPosition {
  file: number;
  offset: number;
}

/**
 * Where to start reading a set of files (oldest file first) to get their last `count` records
 * of the streams `accept` takes. A record is a line or a piece of a long one, counted as Docker
 * counts json-file entries: so `--tail 1` of an output without newlines is its last piece, not
 * the whole output. Reads backwards from each file's end and keeps only counters, so memory
 * stays flat however long the lines are. `sizes` pins where each file ends (the live log may grow
 * while we read); bytes after a file's last newline are ignored.
 */
export async function tailStart(
  files: string[], sizes: number[], count: number, accept: (l: LogLine) => boolean,
): Promise<LogPosition> {
  const last = files.length - 1;
  if (count <= 0) return { file: last, offset: sizes[last] ?? 0 };
  let taken = 0;
  for (let f = last; f >= 0; f--) {
    for await (const { line: raw, offset } of linesBackwards(files[f]!, sizes[f]!)) {
      const line = parseLogLine(raw);
      if (!line || !accept(line)) continue;
      if (++taken >= count) return { file: f, offset };
    }
  }
  return { file: 0, offset: 0 };
}

/** Complete lines of the first `size` bytes of a file with their offsets, last first. */
async function* linesBackwards(file: string, size: number): AsyncGenerator<{ line: Buffer; offset: number }> {
  let fh;
  try { fh = await open(file, 'r'); } catch { return; }
  try {
    let end = size;
    let carry: Buffer = Buffer.alloc(0);
    // The piece after the last newline is empty or still being written: never a line.
    let first = true;
    let skipping = false;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const buf = Buffer.alloc(end - start);
      await fh.read(buf, 0, buf.length, start);
      end = start;
      let data = carry.length > 0 ? Buffer.concat([buf, carry]) : buf;
      let nl = data.lastIndexOf(0x0a);
      while (nl >= 0) {
        if (!first && !skipping) yield { line: data.subarray(nl + 1), offset: start + nl + 1 };
        first = false;
        skipping = false;
        data = data.subarray(0, nl);
        nl = data.lastIndexOf(0x0a);
      }
      if (data.length > MAX_LINE) {
        skipping = true;
        carry = Buffer.alloc(0);
      } else carry = Buffer.from(data);
    }
    if (carry.length > 0 && !first && !skipping) yield { line: carry, offset: 0 };
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
