import { readFile, stat } from 'node:fs/promises';
import { rfc3339NanoFromNs } from '../../lib/time/rfc3339.js';
import type { ExitRecord } from '../types.js';

/** Identity of one version of an exit file: a re-created container writes a new one. */
export async function exitFileKey(file: string): Promise<string | undefined> {
  try {
    const st = await stat(file, { bigint: true });
    return `${st.ino}:${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}

/**
 * Reads an exit file written by conmon: the exit code as decimal text; the file's mtime is when
 * the container exited. Undefined when the file does not exist or is not fully written yet.
 */
export async function readExitFile(file: string): Promise<(ExitRecord & { key: string }) | undefined> {
  try {
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file, { bigint: true })]);
    const trimmed = text.trim();
    if (!/^-?[0-9]+$/.test(trimmed)) return undefined;
    return { exitCode: Number(trimmed), finishedAt: rfc3339NanoFromNs(st.mtimeNs), key: `${st.ino}:${st.mtimeNs}` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
