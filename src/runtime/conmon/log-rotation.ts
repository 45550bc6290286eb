import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Name of the n-th rotated file of a log ("log.1" is the newest rotated one). */
export const rotatedName = (logPath: string, n: number): string => (n === 0 ? logPath : `${logPath}.${n}`);

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try { await p; } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; }
}

/**
 * Shifts log.(n) to log.(n+1) and the live log to log.1. Renaming keeps conmon's open descriptor
 * valid: it goes on writing to the renamed file until told to reopen, so no line is lost.
 * Call `pruneLogFiles` after the reopen.
 */
export async function shiftLogFiles(logPath: string, maxFiles: number): Promise<void> {
  const keep = Math.max(1, Math.floor(maxFiles));
  for (let n = keep - 1; n >= 1; n--) {
    await ignoreMissing(rename(rotatedName(logPath, n), rotatedName(logPath, n + 1)));
  }
  await ignoreMissing(rename(logPath, rotatedName(logPath, 1)));
}

/** Deletes the rotated file beyond `maxFiles` (counting the live one); max-file 1 keeps no history. */
export async function pruneLogFiles(logPath: string, maxFiles: number): Promise<void> {
  const keep = Math.max(1, Math.floor(maxFiles));
  await ignoreMissing(unlink(rotatedName(logPath, keep)));
}

/**
 * Cuts the newest rotated file down to its last `maxSize` bytes, from a line start. berthd
 * rotates by polling, so a fast writer overshoots max-size between two looks; trimming the file
 * it no longer writes keeps the rotated history within max-size each.
 */
export async function trimRotatedLog(logPath: string, maxSize: number): Promise<void> {
  const file = rotatedName(logPath, 1);
  const st = await stat(file).catch(() => undefined);
  if (!st || maxSize <= 0 || st.size <= maxSize) return;
  let started = false;
  const fromLineStart = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (started) return done(null, chunk);
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) return done();
      started = true;
      done(null, chunk.subarray(nl + 1));
    },
  });
  const tmp = `${file}.trim`;
  await pipeline(createReadStream(file, { start: st.size - maxSize }), fromLineStart, createWriteStream(tmp, { mode: 0o600 }));
  await rename(tmp, file);
}
