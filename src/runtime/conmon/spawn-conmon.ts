import { socketKey } from './paths.js';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BundleFiles, type RuntimePaths } from './paths.js';
import { readSyncMessage, type SyncMessage } from './sync-pipe.js';

/** Everything conmon needs to create one container. */
export interface ConmonLaunch {
  conmonPath: string;
  id: string;
  bundleDir: string;
  runtimeName: string;
  runtimeBinary: string;
  paths: RuntimePaths;
  logPath: string;
  logSizeMax?: number;
  /** No log at all (`--log-driver none`). */
  noLog?: boolean;
  tty: boolean;
  openStdin: boolean;
  /** Keep the container's stdin open when an attach client goes away (Docker's StdinOnce=false). */
  leaveStdinOpen?: boolean;
  timeoutMs?: number;
}

/** conmon's argument list for `create` (API version 1). */
export function conmonArgs(l: ConmonLaunch): string[] {
  const args = [
    '--api-version', '1',
    '-c', l.id, '-u', socketKey(l.id), '-n', l.id,
    '-r', l.runtimeBinary,
    '-b', l.bundleDir,
    '-p', path.join(l.bundleDir, BundleFiles.containerPid),
    '--conmon-pidfile', path.join(l.bundleDir, BundleFiles.conmonPid),
    '--exit-dir', l.paths.exitDir,
    '--socket-dir-path', l.paths.socketDir,
    '-l', l.noLog ? 'none:' : `k8s-file:${l.logPath}`,
    '--syslog=false',
    // Docker's json-file driver does not fsync logs either; a sync per exit only adds latency.
    '--no-sync-log',
    '--runtime-arg', `--root=${l.paths.runtimeRoot(l.runtimeName)}`,
  ];
  if (l.logSizeMax !== undefined && l.logSizeMax > 0) args.push('--log-size-max', String(l.logSizeMax));
  if (l.openStdin) args.push('-i');
  if (l.openStdin && l.leaveStdinOpen) args.push('--leave-stdin-open');
  if (l.tty) args.push('-t');
  return args;
}

/** The outcome of launching conmon: its sync message (if any) and what it printed. */
export interface ConmonLaunchResult {
  sync?: SyncMessage;
  exitCode: number | null;
  output: string;
}

/**
 * Starts conmon in its own session (so it is not killed with our process group) and waits for
 * its report on the sync pipe (fd 3). conmon double-forks: the process we spawn exits once the
 * runtime's `create` is done, and the monitor lives on without us.
 */
export async function launchConmon(l: ConmonLaunch): Promise<ConmonLaunchResult> {
  const child = spawn(l.conmonPath, conmonArgs(l), {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
    cwd: l.bundleDir,
    env: { PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', _OCI_SYNCPIPE: '3' },
  });
  let output = '';
  const collect = (d: Buffer): void => { if (output.length < 65536) output += d.toString('utf8'); };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  child.unref();
  const syncPipe = child.stdio[3] as Readable;
  const [sync, exitCode] = await Promise.all([
    readSyncMessage(syncPipe, l.timeoutMs ?? 60000),
    exited,
  ]);
  return { sync, exitCode, output: output.trim() };
}
