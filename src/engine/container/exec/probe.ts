import type { Readable } from 'node:stream';
import { InvalidArgumentError, isInvalidArgument, messageOf } from '../../../lib/errors/index.js';
import type { ExecProcess } from '../../../runtime/types.js';
import type { ContainerContext } from '../context.js';
import { checkExecTarget } from './ops.js';
import { startFailureExitCode, startFailureMessage } from './start-failure.js';

// The interface lives in a file of its own: the health monitor, which context.ts names, needs it
// without this implementation (and the context it imports).
export type { ProbeResult, ProbeRunner } from './probe-runner.js';
import type { ProbeResult } from './probe-runner.js';

/** Docker keeps this much of a probe's output. */
export const PROBE_OUTPUT_MAX = 4096;

/** After the exit, how long output still in the pipes may take to arrive (a child may hold them open). */
const DRAIN_GRACE_MS = 200;

/**
 * A probe: an exec without a record (health checks every few seconds must not pile them up),
 * taking no container lock, with its output cut at {@link PROBE_OUTPUT_MAX} bytes while the
 * rest is read and thrown away so the process never stalls on a full pipe.
 */
export async function runProbe(c: ContainerContext, ref: string, argv: string[], opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ProbeResult> {
  const container = c.deps.store.get(ref);
  checkExecTarget(container, ref);
  if (argv.length === 0) throw new InvalidArgumentError('No exec command specified');
  opts.signal?.throwIfAborted();
  let proc: ExecProcess;
  try {
    proc = await c.deps.runtime.exec(container.id, {
      args: argv, env: [], user: container.config.User || '', cwd: '', tty: false, privileged: false, stdin: false,
    });
  } catch (err) {
    if (!isInvalidArgument(err)) throw err;
    return { exitCode: 126, output: messageOf(err), timedOut: false };
  }

  const chunks: Buffer[] = [];
  let kept = 0;
  const collect = (d: Buffer): void => {
    // One byte past the limit tells the health monitor there was more (Docker then appends "...").
    if (kept > PROBE_OUTPUT_MAX) return;
    const piece = d.subarray(0, PROBE_OUTPUT_MAX + 1 - kept);
    chunks.push(piece);
    kept += piece.length;
  };
  const streams = [proc.stdout, proc.stderr].filter((s): s is Readable => s !== undefined);
  const ended = Promise.all(streams.map((s) => new Promise<void>((resolve) => {
    s.on('data', collect);
    s.once('end', resolve);
    s.once('close', resolve);
    s.once('error', () => resolve());
  })));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, opts.timeoutMs);
  const onAbort = (): void => proc.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await proc.exited;
    await Promise.race([ended, new Promise((r) => setTimeout(r, DRAIN_GRACE_MS))]);
    if (exit.startError !== undefined) {
      return { exitCode: startFailureExitCode(exit.startError), output: startFailureMessage(exit.startError), timedOut: false };
    }
    return { exitCode: exit.exitCode, output: Buffer.concat(chunks).toString('utf8'), timedOut };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    for (const s of streams) s.destroy();
  }
}
