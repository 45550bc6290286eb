import { ConflictError, InternalError, NotFoundError, type EngineError } from '../../lib/errors/index.js';
import { execFile, type ExecResult } from '../../sys/exec.js';

/** Runtime output without logrus' `time=… level=error msg="…"` wrapper (runc logs that way). */
export function unwrapRuntimeText(text: string): string {
  const lines = text.trim().split('\n').map((l) => {
    const m = /level=\w+ msg="((?:[^"\\]|\\.)*)"/.exec(l);
    return m ? m[1]!.replace(/\\"/g, '"').replace(/\\\\/g, '\\') : l;
  });
  return lines.filter(Boolean).join('\n');
}

/** The runtime's own words for a failed command. */
export function runtimeMessage(r: ExecResult): string {
  return unwrapRuntimeText(r.stderr || r.stdout) || `exit status ${r.code}`;
}

/** Classifies a runtime failure by its message: unknown container, wrong state, or other. */
export function runtimeError(id: string, action: string, r: ExecResult): EngineError {
  const msg = runtimeMessage(r);
  const cause = new Error(msg);
  if (/does not exist|not found|no such file/i.test(msg) && /container/i.test(msg)) {
    return new NotFoundError(`No such container: ${id}`, { cause });
  }
  if (/not running|is paused|not paused|stopped|already|cannot .* in (the )?\w+ state|container .* is not/i.test(msg)) {
    return new ConflictError(`cannot ${action} container ${id}: ${msg}`, { cause });
  }
  return new InternalError(`${action} container ${id}: ${msg}`, { cause });
}

/** Drives one OCI runtime binary (runc or crun) with its own state root. */
export class OciRuntimeCli {
  constructor(readonly name: string, readonly binary: string, readonly root: string) {}

  /** Runs `<runtime> --root <root> args…` (with `input` on its stdin) and returns the raw result. */
  exec(args: string[], input?: string): Promise<ExecResult> {
    return execFile(this.binary, [`--root=${this.root}`, ...args], input === undefined ? {} : { input });
  }

  private async ok(id: string, action: string, args: string[]): Promise<ExecResult> {
    const r = await this.exec(args);
    if (r.code !== 0) throw runtimeError(id, action, r);
    return r;
  }

  async start(id: string): Promise<void> { await this.ok(id, 'start', ['start', id]); }
  async kill(id: string, signal: number): Promise<void> { await this.ok(id, 'kill', ['kill', id, String(signal)]); }
  async pause(id: string): Promise<void> { await this.ok(id, 'pause', ['pause', id]); }
  async resume(id: string): Promise<void> { await this.ok(id, 'resume', ['resume', id]); }

  /** Deletes the runtime's state, killing the container if needed; absent containers are fine. */
  async delete(id: string): Promise<void> {
    const r = await this.exec(['delete', '--force', id]);
    if (r.code === 0) return;
    const err = runtimeError(id, 'delete', r);
    if (err instanceof NotFoundError) return;
    throw err;
  }

  /** The runtime's `state` JSON, or undefined when it does not know the container. */
  async state(id: string): Promise<{ status: string; pid: number } | undefined> {
    const r = await this.exec(['state', id]);
    if (r.code !== 0) {
      const err = runtimeError(id, 'inspect', r);
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
    return JSON.parse(r.stdout) as { status: string; pid: number };
  }

  /** Pids of every process in the container. */
  async pids(id: string): Promise<number[]> {
    const r = await this.ok(id, 'list processes of', ['ps', '--format', 'json', id]);
    const parsed = JSON.parse(r.stdout.trim() || '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((p): p is number => typeof p === 'number') : [];
  }

  /**
   * The mount options the runtime names in `<runtime> features` (the OCI runtime features
   * document), or undefined when it has no such command (crun 1.8, runc before 1.1).
   */
  async mountOptions(): Promise<string[] | undefined> {
    const r = await execFile(this.binary, ['features']).catch(() => undefined);
    if (!r || r.code !== 0) return undefined;
    try {
      const { mountOptions } = JSON.parse(r.stdout) as { mountOptions?: unknown };
      return Array.isArray(mountOptions) ? mountOptions.filter((o): o is string => typeof o === 'string') : undefined;
    } catch {
      return undefined;
    }
  }

  /** First line of `<runtime> --version`, e.g. "runc version 1.1.5". */
  async version(): Promise<string | undefined> {
    const r = await execFile(this.binary, ['--version']).catch(() => undefined);
    return r && r.code === 0 ? r.stdout.split('\n')[0]?.trim() : undefined;
  }
}
