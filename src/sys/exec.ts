import { spawn, type SpawnOptions } from 'node:child_process';
import { InternalError } from '../lib/errors/index.js';

/** The outcome of a finished host command. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Error thrown when a host binary exits non-zero; carries its stderr. */
export class HostCommandError extends InternalError {
  override readonly code: string = 'ERR_SYS_COMMAND';
  constructor(readonly file: string, readonly args: string[], readonly result: ExecResult) {
    super(`${file} ${args.join(' ')}: exit status ${result.code}: ${(result.stderr || result.stdout).trim()}`);
  }
}

const OUTPUT_LIMIT = 4 * 1024 * 1024;

/**
 * Runs a host binary to completion and captures its output (bounded). Resolves even when the
 * binary fails; see `execOk` for the throwing form.
 */
export function execFile(file: string, args: string[], opts: SpawnOptions & { input?: string | Buffer } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const { input, ...spawnOpts } = opts;
    const child = spawn(file, args, { ...spawnOpts, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { if (stdout.length < OUTPUT_LIMIT) stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { if (stderr.length < OUTPUT_LIMIT) stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Runs a host binary and throws HostCommandError unless it exits 0. */
export async function execOk(file: string, args: string[], opts: SpawnOptions & { input?: string | Buffer } = {}): Promise<ExecResult> {
  const r = await execFile(file, args, opts);
  if (r.code !== 0) throw new HostCommandError(file, args, r);
  return r;
}
