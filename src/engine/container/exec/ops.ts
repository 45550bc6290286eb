import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { ExecConfig, ExecInspectResponse } from '../../../api/container.js';
import { ConflictError, InvalidArgumentError, isInvalidArgument, messageOf } from '../../../lib/errors/index.js';
import type { ExecProcess } from '../../../runtime/types.js';
import type { ContainerContext } from '../context.js';
import { ContainerNotRunningError } from '../errors.js';
import type { ContainerRecord } from '../model.js';
import type { ExecRecord } from './record.js';
import { startFailureExitCode, startFailureMessage } from './start-failure.js';

/** Docker's exec errors for a container that cannot take one. */
export function checkExecTarget(rec: ContainerRecord, ref: string): void {
  if (rec.state.status === 'paused') throw new ConflictError(`Container ${ref} is paused, unpause the container before exec`);
  if (rec.state.status !== 'running') throw new ContainerNotRunningError(rec.id);
}

/** The exec record, as long as its container exists (execs go with their container). */
export function execOf(c: ContainerContext, id: string): ExecRecord {
  const rec = c.execs.get(id);
  if (!c.deps.store.has(rec.containerId)) {
    c.execs.dropContainer(rec.containerId);
    return c.execs.get(id);
  }
  return rec;
}

function envOk(env: unknown): string[] {
  if (env == null) return [];
  if (!Array.isArray(env) || env.some((e) => typeof e !== 'string')) throw new InvalidArgumentError('Env must be an array of strings');
  for (const e of env as string[]) if (e.startsWith('=') || e === '') throw new InvalidArgumentError(`invalid environment variable: ${e}`);
  return env as string[];
}

function consoleSizeOf(v: unknown): { height: number; width: number } | undefined {
  if (v == null) return undefined;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new InvalidArgumentError('ConsoleSize must be an array of two non-negative integers');
  }
  return { height: v[0] as number, width: v[1] as number };
}

/** `POST /containers/{id}/exec`. */
export function containerExecCreate(c: ContainerContext, ref: string, req: ExecConfig): { Id: string } {
  const container = c.deps.store.get(ref);
  if (!req || typeof req !== 'object') throw new InvalidArgumentError('invalid exec configuration');
  if (!Array.isArray(req.Cmd) || req.Cmd.length === 0 || req.Cmd.some((a) => typeof a !== 'string')) {
    throw new InvalidArgumentError('No exec command specified');
  }
  checkExecTarget(container, ref);
  const rec: ExecRecord = {
    id: randomBytes(32).toString('hex'),
    containerId: container.id,
    config: {
      Cmd: [...req.Cmd],
      Env: envOk(req.Env),
      User: typeof req.User === 'string' ? req.User : '',
      WorkingDir: typeof req.WorkingDir === 'string' ? req.WorkingDir : '',
      Tty: req.Tty === true,
      Privileged: req.Privileged === true,
      AttachStdin: req.AttachStdin === true,
      AttachStdout: req.AttachStdout === true,
      AttachStderr: req.AttachStderr === true,
      DetachKeys: typeof req.DetachKeys === 'string' ? req.DetachKeys : '',
    },
    consoleSize: consoleSizeOf(req.ConsoleSize),
    started: false,
    running: false,
    exitCode: null,
    pid: 0,
  };
  if (rec.config.WorkingDir && !rec.config.WorkingDir.startsWith('/')) {
    throw new InvalidArgumentError(`the working directory '${rec.config.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  c.execs.add(rec);
  c.deps.events.container(container, `exec_create: ${rec.config.Cmd.join(' ')}`, { execID: rec.id });
  return { Id: rec.id };
}

/** A started exec, as the API layer streams it. */
export interface ExecRun {
  tty: boolean;
  /** Set when the process never ran: the message Docker prints in its place. */
  startError?: string;
  stdout?: Readable;
  stderr?: Readable;
  stdin?: Writable;
  /** Resolves with the exit code once the process has exited and its exit is recorded. */
  done: Promise<number>;
}

/**
 * `POST /exec/{id}/start`. Rejects (before anything runs) for an unknown exec, one already
 * started, or a container that cannot take it; a process that cannot start is an ExecRun with
 * `startError` and exit code 126/127, as Docker reports it in the stream.
 */
export async function execStart(c: ContainerContext, id: string, opts: { consoleSize?: { height: number; width: number }; detach?: boolean }): Promise<ExecRun> {
  const rec = execOf(c, id);
  if (rec.started) throw new ConflictError(rec.running ? `Error: Exec command ${id} is already running` : `Error: Exec command ${id} has already run`);
  const container = c.deps.store.get(rec.containerId);
  checkExecTarget(container, container.id);
  rec.started = true;
  rec.running = true;
  const cfg = rec.config;
  const tty = cfg.Tty;
  c.deps.events.container(container, `exec_start: ${cfg.Cmd.join(' ')}`, { execID: rec.id });

  let proc: ExecProcess;
  try {
    proc = await c.deps.runtime.exec(container.id, {
      args: cfg.Cmd,
      env: cfg.Env,
      user: cfg.User || container.config.User || '',
      cwd: cfg.WorkingDir,
      tty,
      privileged: cfg.Privileged,
      stdin: cfg.AttachStdin && opts.detach !== true,
      consoleSize: opts.consoleSize ?? rec.consoleSize,
    });
  } catch (err) {
    // The runtime refused before running anything: a user that does not exist, a bad workdir.
    if (!isInvalidArgument(err)) c.deps.log(`exec ${id} in ${container.id}: ${messageOf(err)}`);
    const exitCode = 126;
    finish(c, rec, container, exitCode);
    return { tty, startError: messageOf(err), done: Promise.resolve(exitCode) };
  }
  rec.process = proc;
  void proc.pid.then((pid) => { if (pid !== undefined) rec.pid = pid; });
  const done = proc.exited.then((exit) => {
    const exitCode = exit.startError !== undefined ? startFailureExitCode(exit.startError) : exit.exitCode;
    finish(c, rec, container, exitCode);
    return exitCode;
  });
  if ((await proc.pid) === undefined) {
    const exit = await proc.exited;
    if (exit.startError !== undefined) {
      proc.stdout.destroy();
      proc.stderr?.destroy();
      return { tty, startError: startFailureMessage(exit.startError), done };
    }
  }
  return { tty, stdout: proc.stdout, stderr: proc.stderr, stdin: proc.stdin, done };
}

function finish(c: ContainerContext, rec: ExecRecord, container: ContainerRecord, exitCode: number): void {
  rec.running = false;
  rec.exitCode = exitCode;
  rec.process = undefined;
  c.deps.events.container(container, 'exec_die', { execID: rec.id, exitCode: String(exitCode) });
}

/** `POST /exec/{id}/resize`. */
export async function execResize(c: ContainerContext, id: string, height: number, width: number): Promise<void> {
  const rec = execOf(c, id);
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0) throw new InvalidArgumentError('invalid terminal size');
  if (!rec.running || !rec.process) throw new ConflictError(`Exec ${id} is not running, so it can not be resized.`);
  if (rec.config.Tty) await rec.process.resize(height, width);
}

/** `GET /exec/{id}/json`. */
export function execInspect(c: ContainerContext, id: string): ExecInspectResponse {
  const rec = execOf(c, id);
  const [entrypoint, ...args] = rec.config.Cmd;
  const processConfig: NonNullable<ExecInspectResponse['ProcessConfig']> = {
    tty: rec.config.Tty, entrypoint: entrypoint ?? '', arguments: args, privileged: rec.config.Privileged,
  };
  if (rec.config.User) processConfig.user = rec.config.User;
  return {
    ID: rec.id,
    Running: rec.running,
    ExitCode: rec.exitCode,
    ProcessConfig: processConfig,
    OpenStdin: rec.config.AttachStdin,
    OpenStderr: rec.config.AttachStderr,
    OpenStdout: rec.config.AttachStdout,
    CanRemove: false,
    ContainerID: rec.containerId,
    DetachKeys: rec.config.DetachKeys,
    Pid: rec.pid,
  };
}
