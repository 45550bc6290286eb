import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { ExecExit, ExecProcess } from '../types.js';
import type { OciProcess } from '../spec/types.js';
import { ConmonAttachConnection } from './attach.js';
import { CtlMessage, writeFifo } from './ctl.js';
import type { RuntimePaths } from './paths.js';
import { unwrapRuntimeText, type OciRuntimeCli } from './runtime-cli.js';

/** Parses conmon's newline-separated `{"data": n, "message": "…"}` reports as they arrive. */
function syncReports(pipe: Readable, onReport: (r: { data: number; message?: string }) => void): void {
  let text = '';
  pipe.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, nl).trim();
      text = text.slice(nl + 1);
      if (!line) continue;
      try {
        const r = JSON.parse(line) as { data?: unknown; message?: unknown };
        if (typeof r.data === 'number') onReport({ data: r.data, message: typeof r.message === 'string' ? r.message : undefined });
      } catch {
        // A report split oddly: conmon writes each in one go, so this is not expected.
      }
    }
  });
  pipe.on('error', () => {});
}

/** What a TTY exec needs besides the process spec. */
export interface TtyExecLaunch {
  conmonPath: string;
  cli: OciRuntimeCli;
  paths: RuntimePaths;
  containerId: string;
  process: OciProcess;
  stdin: boolean;
}

/**
 * An exec with a TTY, run through conmon's exec mode: the runtime hands the terminal's master
 * to a console socket, which Node cannot receive, and conmon holds it, copies it to an attach
 * socket and resizes it through its `ctl` fifo. Hand-shake (three pipes, as podman uses them):
 * conmon reads a byte on the start pipe, reports on the attach pipe once its attach socket
 * listens, waits for a second start byte (we are connected by then, so no output is missed),
 * then reports the pid and, at the end, the exit code on the sync pipe.
 */
export async function ttyExec(l: TtyExecLaunch): Promise<ExecProcess> {
  const key = randomBytes(12).toString('hex');
  const dir = path.join(l.paths.execDir, key);
  await mkdir(path.join(dir, 'exits'), { recursive: true, mode: 0o700 });
  const processFile = path.join(dir, 'process.json');
  await writeFile(processFile, JSON.stringify(l.process), { mode: 0o600 });
  const args = [
    '--api-version', '1', '-c', l.containerId, '-u', key, '-n', l.containerId,
    '-r', l.cli.binary, '-b', dir, '-p', path.join(dir, 'pid'),
    '--conmon-pidfile', path.join(dir, 'conmon.pid'), '--exit-dir', path.join(dir, 'exits'),
    '--socket-dir-path', l.paths.socketDir, '-l', 'none', '--syslog=false',
    '--exec', '--exec-process-spec', processFile, '--exec-attach', '-t',
    '--runtime-arg', `--root=${l.cli.root}`,
  ];
  if (l.stdin) args.push('-i');
  const child = spawn(l.conmonPath, args, {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4', _OCI_ATTACHPIPE: '5' },
  });
  child.unref();
  const pipes = child.stdio as unknown as Array<Readable & Writable>;
  const [syncPipe, startPipe, attachPipe] = [pipes[3]!, pipes[4]!, pipes[5]!];
  startPipe.on('error', () => {});
  attachPipe.on('error', () => {});
  const cleanup = async (): Promise<void> => {
    startPipe.destroy();
    attachPipe.destroy();
    syncPipe.destroy();
    await rm(path.join(l.paths.socketDir, key), { force: true });
    await rm(dir, { recursive: true, force: true });
  };

  let settlePid!: (pid: number | undefined) => void;
  const pid = new Promise<number | undefined>((resolve) => { settlePid = resolve; });
  let settleExit!: (e: ExecExit) => void;
  const exited = new Promise<ExecExit>((resolve) => { settleExit = resolve; });
  let knownPid: number | undefined;
  let done = false;
  const finish = (exit: ExecExit): void => {
    if (done) return;
    done = true;
    settlePid(knownPid);
    settleExit(exit);
    void cleanup();
  };
  syncReports(syncPipe, (r) => {
    if (knownPid === undefined && r.data > 0) {
      knownPid = r.data;
      settlePid(r.data);
    } else if (knownPid === undefined) {
      finish({ exitCode: 255, startError: unwrapRuntimeText(r.message ?? '') || 'exec failed' });
    } else {
      finish({ exitCode: r.data });
    }
  });
  syncPipe.once('close', () => finish({ exitCode: knownPid === undefined ? 255 : 137, ...(knownPid === undefined ? { startError: 'conmon exited without starting the process' } : {}) }));
  child.once('error', (err) => finish({ exitCode: 255, startError: err.message }));

  startPipe.write(Buffer.from([0]));
  // The attach socket is ready once conmon says so on the attach pipe.
  const ready = await new Promise<boolean>((resolve) => {
    attachPipe.once('data', () => resolve(true));
    attachPipe.once('close', () => resolve(false));
  });
  if (!ready) {
    finish({ exitCode: 255, startError: 'conmon did not open its attach socket' });
    throw new Error('conmon did not open its attach socket');
  }
  const conn = await ConmonAttachConnection.connect(path.join(l.paths.socketDir, key, 'attach'));
  startPipe.write(Buffer.from([0]));

  const stdout = new Readable({ read: () => conn.resume() });
  conn.on('data', (c: { data: Buffer }) => { if (!stdout.push(c.data)) conn.pause(); });
  conn.on('close', () => stdout.push(null));
  const stdin = l.stdin
    ? new Writable({
      write(chunk: Buffer, _enc, cb): void {
        if (conn.writeStdin(chunk)) cb();
        else conn.once('drain', () => cb());
      },
      final(cb): void {
        conn.closeStdin();
        cb();
      },
    })
    : undefined;
  void exited.then(() => setTimeout(() => conn.close(), 1000).unref());

  return {
    stdout,
    stdin,
    pid,
    exited,
    kill(signal: NodeJS.Signals | number = 'SIGKILL'): void {
      if (done) return;
      const signalPid = (p: number | undefined): void => {
        if (p === undefined || done) return;
        try { process.kill(p, signal); } catch { /* gone meanwhile */ }
      };
      if (knownPid !== undefined) signalPid(knownPid);
      else void pid.then(signalPid);
    },
    async resize(height: number, width: number): Promise<void> {
      if (done) return;
      await writeFifo(path.join(dir, 'ctl'), CtlMessage.resize(height, width)).catch(() => {});
    },
  };
}
