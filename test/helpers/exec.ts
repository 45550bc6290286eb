// Running client binaries (the real docker CLI, bin/berth) the way a user's
// shell would, capturing what the user would see.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { berthBin, dockerBin } from './paths.js';

export interface RunResult {
  /** Exit code; 128+N when killed by signal N, as a shell reports it. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** The command line, for assertion messages. */
  command: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string | Buffer;
  timeoutMs?: number;
  cwd?: string;
}

// Variables that would send the docker CLI somewhere other than the daemon
// under test, or change its output, whatever the developer's shell has set.
const CLIENT_VARS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION', 'DOCKER_CONFIG', 'BERTH_HOST'];

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of CLIENT_VARS) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface Running {
  child: ChildProcess;
  /** Output so far (grows while the process runs). */
  stdout(): string;
  stderr(): string;
  done: Promise<RunResult>;
}

/** Starts a command without waiting for it (for logs -f, attach, wait). */
export function start(cmd: string, args: string[], opts: RunOptions = {}): Running {
  const t0 = Date.now();
  const child = spawn(cmd, args, {
    env: cleanEnv(opts.env),
    cwd: opts.cwd,
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  if (opts.input !== undefined) {
    // EPIPE when the command exits without reading stdin is not a test failure.
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input);
  }
  let timedOut = false;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const done = new Promise<RunResult>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({
        code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
        signal,
        stdout: out,
        stderr: timedOut ? err + `\n[test helper: killed after ${timeoutMs} ms]` : err,
        timedOut,
        durationMs: Date.now() - t0,
        command: [cmd, ...args].join(' '),
      });
    };
    child.on('error', (e) => {
      err += String(e);
      finish(127, null);
    });
    child.on('close', finish);
  });
  return { child, stdout: () => out, stderr: () => err, done };
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return start(cmd, args, opts).done;
}

/** The real docker CLI. Pass env.DOCKER_HOST (or use a Daemon's docker()). */
export function docker(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(dockerBin, args, opts);
}

/** berth's own CLI, bin/berth. */
export function berth(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(berthBin, args, opts);
}

/** A readable dump of a result for assertion messages. */
export function describeResult(r: RunResult): string {
  return `$ ${r.command}\nexit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ' TIMED OUT' : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
