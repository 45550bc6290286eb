import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import type { ExecExit, ExecProcess, ExecSpec } from '../types.js';
import { execProcess } from '../spec/exec-process.js';
import type { OciProcess } from '../spec/types.js';
import { resolveUser } from '../spec/user.js';
import { HeldStderr } from './exec-stderr.js';
import type { OciRuntimeCli } from './runtime-cli.js';
import type { RuntimePaths } from './paths.js';
import { ttyExec } from './exec-tty.js';

/** What an exec needs to know of its container, read from the bundle's config.json. */
export interface ExecTarget {
  id: string;
  rootfs: string;
  process: OciProcess;
}

/** The runtime's own error, from its JSON log (it also prints it on the stderr the process would have had). */
export function runtimeLogError(log: string): string | undefined {
  let msg: string | undefined;
  for (const line of log.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg) msg = entry.msg;
    } catch {
      // Not JSON: a line the runtime printed some other way; keep looking.
    }
  }
  return msg;
}

const PID_POLL_MS = 100;

/** Reads what an exec needs from the container's bundle. */
export async function readExecTarget(id: string, bundleDir: string): Promise<ExecTarget> {
  const spec = JSON.parse(await readFile(path.join(bundleDir, 'config.json'), 'utf8')) as { root: { path: string }; process: OciProcess };
  return { id, rootfs: spec.root.path, process: spec.process };
}

/**
 * An exec run by the OCI runtime directly (`exec --process`), in the foreground, as a child of
 * berthd with plain pipes for its stdio: one helper process and no monitor in between, which
 * is what makes `docker exec c true` cheap. The helper forwards signals to the process and exits
 * with its status. An exec dies with berthd (its pipes close); a container does not.
 *
 * Stdio: the helper's pipes are the process's own, so a reader that stops reading stalls the
 * process, never berthd. No other descriptor of berthd's reaches it: Node opens everything
 * close-on-exec and passes only fds 0-2.
 */
export async function foregroundExec(cli: OciRuntimeCli, execDir: string, containerId: string, proc: OciProcess, spec: ExecSpec): Promise<ExecProcess> {
  const dir = path.join(execDir, randomBytes(12).toString('hex'));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = { process: path.join(dir, 'process.json'), pid: path.join(dir, 'pid'), log: path.join(dir, 'log') };
  await writeFile(files.process, JSON.stringify(proc), { mode: 0o600 });

  const child = spawn(cli.binary, [
    `--root=${cli.root}`, '--log', files.log, '--log-format', 'json',
    'exec', '--pid-file', files.pid, '--process', files.process, containerId,
  ], { stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const stderr = new HeldStderr(child.stderr!);
  // Read from now on: Node drops the output of an exited child whose pipe nobody listens to yet
  // (the caller starts reading only after the start is confirmed).
  const stdout = child.stdout!.pipe(new PassThrough());

  let exited = false;
  let knownPid: number | undefined;
  const readPid = async (): Promise<number | undefined> => {
    const n = Number((await readFile(files.pid, 'utf8').catch(() => '')).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  // The runtime writes the pid file (by rename) once the process has been exec'd: from then on,
  // stderr is the process's own. Watched with inotify, with a slow poll as a safety net.
  let settlePid!: (pid: number | undefined) => void;
  const pid = new Promise<number | undefined>((resolve) => { settlePid = resolve; });
  const check = (): void => {
    void readPid().then((p) => {
      if (p === undefined || knownPid !== undefined) return;
      knownPid = p;
      stderr.release();
      stopWatching();
      settlePid(p);
    });
  };
  const watcher = watch(dir, check);
  watcher.on('error', () => {});
  const poll = setInterval(check, PID_POLL_MS);
  const stopWatching = (): void => {
    watcher.close();
    clearInterval(poll);
  };
  check();

  const exit = new Promise<ExecExit>((resolve) => {
    const finish = (code: number): void => {
      exited = true;
      stopWatching();
      void (async (): Promise<ExecExit> => {
        knownPid ??= await readPid();
        settlePid(knownPid);
        const startError = knownPid === undefined && code !== 0
          ? runtimeLogError(await readFile(files.log, 'utf8').catch(() => ''))
          : undefined;
        if (startError !== undefined) stderr.discard();
        else stderr.release();
        // The exit is known: report it now, tidy up after.
        void rm(dir, { recursive: true, force: true }).catch(() => {});
        return startError !== undefined ? { exitCode: code, startError } : { exitCode: code };
      })().then(resolve, () => resolve({ exitCode: code }));
    };
    child.once('error', (err) => {
      stderr.discard();
      finish(-1);
      stdout.destroy(err);
    });
    child.once('exit', (code, sig) => finish(code ?? 128 + (sig ? constants.signals[sig] : 0)));
  });

  return {
    stdout,
    stderr,
    stdin: spec.stdin ? (child.stdin as Writable) : undefined,
    pid,
    exited: exit,
    kill(signal: NodeJS.Signals | number = 'SIGKILL'): void {
      if (exited) return;
      // The helper does not forward SIGKILL (nobody can catch it): signal the process itself.
      const signalPid = (p: number | undefined): boolean => {
        if (p === undefined || exited) return false;
        try { process.kill(p, signal); } catch { /* gone meanwhile */ }
        return true;
      };
      if (signalPid(knownPid)) return;
      // Not started yet: once it is, it gets the signal (the helper alone would leave it orphaned).
      void pid.then(signalPid);
      child.kill(signal);
    },
    resize: async (): Promise<void> => {},
  };
}

/** Where and with what an exec runs. */
export interface ExecLaunch {
  conmonPath: string;
  cli: OciRuntimeCli;
  paths: RuntimePaths;
  target: ExecTarget;
  /** Capabilities the host can grant (for --privileged). */
  hostCaps: readonly string[];
}

/**
 * Starts an exec: without a TTY the runtime runs it directly ({@link foregroundExec}, the fast
 * path); with one, conmon holds the terminal ({@link ttyExec}).
 */
export function execInContainer(l: ExecLaunch, spec: ExecSpec): Promise<ExecProcess> {
  const user = resolveUser(l.target.rootfs, spec.user);
  const proc = execProcess(l.target.process, l.target.rootfs, spec, user, l.hostCaps);
  if (spec.tty) {
    return ttyExec({ conmonPath: l.conmonPath, cli: l.cli, paths: l.paths, containerId: l.target.id, process: proc, stdin: spec.stdin });
  }
  return foregroundExec(l.cli, l.paths.execDir, l.target.id, proc, spec);
}
