import { rename, unlink } from 'node:fs/promises';

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
