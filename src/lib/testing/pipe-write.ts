import { readFile } from 'node:fs/promises';

const lastWritten = new Map<number, string>();

/**
 * Whether process `pid` is blocked writing to a full pipe and has written nothing since the last
 * call for it: the sign that whoever reads that pipe has stopped (backpressure tests).
 */
export async function heldInPipeWrite(pid: number): Promise<boolean> {
  const [wchan, io] = await Promise.all([readFile(`/proc/${pid}/wchan`, 'utf8'), readFile(`/proc/${pid}/io`, 'utf8')]);
  const written = /^wchar: (\d+)$/m.exec(io)?.[1] ?? '';
  const still = lastWritten.get(pid) === written;
  lastWritten.set(pid, written);
  return still && /pipe/.test(wchan);
}
