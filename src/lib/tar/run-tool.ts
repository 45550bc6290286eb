import { spawn } from 'node:child_process';
import { InternalError } from '../errors/index.js';

/**
 * Runs a small host tool (mknod, setfattr) to completion, optionally feeding `input` on its stdin,
 * and throws with its stderr on failure.
 * lib/ is a leaf and may not import sys/, hence this local helper: Node itself can neither
 * mknod nor set xattrs.
 */
export function runTool(file: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    if (input !== undefined) {
      // A tool that dies early closes its stdin; its exit status tells why, not the EPIPE.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    }
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
    child.on('error', (err) => reject(new InternalError(`${file}: ${err.message}`, { cause: err })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new InternalError(`${file} ${args.join(' ')}: exit status ${code}: ${stderr.trim()}`));
    });
  });
}

/** Whether `file` can be run (checked once per name). */
const available = new Map<string, Promise<boolean>>();
export function toolAvailable(file: string, probeArgs: string[] = ['--version']): Promise<boolean> {
  let p = available.get(file);
  if (!p) {
    p = runTool(file, probeArgs).then(() => true, () => false);
    available.set(file, p);
  }
  return p;
}
