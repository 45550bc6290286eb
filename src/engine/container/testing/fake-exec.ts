import { PassThrough } from 'node:stream';
import type { ExecExit, ExecProcess, ExecSpec } from '../../../runtime/types.js';

/** What a fake exec does: prints, then exits (or hangs until killed). */
export interface FakeExecScript {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** The runtime refuses to start the process with this message. */
  startError?: string;
  /** Runs until killed (exit 137). */
  hang?: boolean;
}

/** A process that follows `script`; `killed` tells whether it was signalled. */
export class FakeExecProcess implements ExecProcess {
  readonly stdout = new PassThrough();
  readonly stderr?: PassThrough;
  readonly stdin?: PassThrough;
  readonly pid: Promise<number | undefined>;
  readonly exited: Promise<ExecExit>;
  readonly resizes: string[] = [];
  killed?: NodeJS.Signals | number;
  #exit!: (e: ExecExit) => void;

  constructor(readonly spec: ExecSpec, script: FakeExecScript, pid: number) {
    this.stderr = spec.tty ? undefined : new PassThrough();
    this.stdin = spec.stdin ? new PassThrough() : undefined;
    this.exited = new Promise((resolve) => { this.#exit = resolve; });
    if (script.startError !== undefined) {
      this.pid = Promise.resolve(undefined);
      this.#end({ exitCode: 255, startError: script.startError });
      return;
    }
    this.pid = Promise.resolve(pid);
    if (script.stdout) this.stdout.write(script.stdout);
    if (script.stderr) (this.stderr ?? this.stdout).write(script.stderr);
    if (!script.hang) setImmediate(() => this.#end({ exitCode: script.exitCode ?? 0 }));
  }

  #end(exit: ExecExit): void {
    this.stdout.end();
    this.stderr?.end();
    this.#exit(exit);
  }

  kill(signal: NodeJS.Signals | number = 'SIGKILL'): void {
    this.killed = signal;
    this.#end({ exitCode: 137 });
  }

  async resize(height: number, width: number): Promise<void> {
    this.resizes.push(`${height}x${width}`);
  }
}
