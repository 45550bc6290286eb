import { stat } from 'node:fs/promises';

/** Most rotated files looked for (log.1 … log.N); Docker's max-file is small in practice. */
const MAX_ROTATED = 1000;

/**
 * The rotated siblings of a log that exist, oldest first: log.N … log.2, log.1 (the live log is
 * not included). Stops at the first gap, as rotation keeps them contiguous.
 */
export async function rotatedLogFiles(logPath: string): Promise<string[]> {
  const found: string[] = [];
  for (let n = 1; n <= MAX_ROTATED; n++) {
    const p = `${logPath}.${n}`;
    if (!(await stat(p).then((s) => s.isFile(), () => false))) break;
    found.push(p);
  }
  return found.reverse();
}
