import type { AttachConnection, RuntimeIO } from '../../runtime/types.js';

/** Where an attach session's output goes; the route encodes it for the wire. */
export interface AttachSink {
  /**
   * Takes one chunk. A promise means the client is not keeping up: no more output is read from
   * the monitor until it settles (the monitor, and with it the container's writes, then wait).
   */
  output(stream: 'stdout' | 'stderr', data: Buffer): Promise<void> | void;
  /** The container's streams have ended (it exited) or the session was closed. */
  end(): void;
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** Stdin held before the monitor connection exists, beyond which the writer is asked to wait. */
const PENDING_STDIN_MAX = 64 * 1024;

/**
 * One client attached to a container. It may be made before the container starts (docker run
 * attaches, then starts): it connects to the monitor when `connect` is called at start, and
 * holds stdin written before that. Output and stdin use separate monitor connections, so that
 * closing stdin never cuts the output.
 *
 * Flow control, both ways: output is read from the monitor only as fast as the sink takes it,
 * and `writeStdin` returns a promise when the caller should stop reading its client for a while.
 */
export class AttachSession {
  readonly #sink: AttachSink;
  readonly #opts: AttachOptions;
  #out?: AttachConnection;
  #in?: AttachConnection;
  #pendingStdin: Buffer[] = [];
  #pendingStdinBytes = 0;
  #stdinWaiters: Array<() => void> = [];
  #stdinEnded = false;
  #closed = false;

  readonly #onClose?: () => void;

  /** `onClose` runs once when the session ends, so its owner can forget it. */
  constructor(sink: AttachSink, opts: AttachOptions, onClose?: () => void) {
    this.#sink = sink;
    this.#opts = opts;
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#closed;
  }

  readonly #detachListeners: Array<() => void> = [];

  /** Runs `fn` when the client leaves with its detach keys (not when the container exits). */
  onDetach(fn: () => void): void {
    this.#detachListeners.push(fn);
  }

  /** Ends the session because the client typed its detach keys. */
  detach(): void {
    if (!this.#closed) for (const fn of this.#detachListeners) fn();
    this.close();
  }

  /** Connects to a created or running container's monitor. */
  async connect(runtime: Pick<RuntimeIO, 'attach'>, id: string): Promise<void> {
    if (this.#closed) return;
    const out = await runtime.attach(id);
    // The client may have left while we connected: do not keep a connection nobody reads.
    if (this.#closed) {
      out.close();
      return;
    }
    this.#out = out;
    out.on('data', (c: { stream: 'stdout' | 'stderr'; data: Buffer }) => {
      if (!(c.stream === 'stdout' ? this.#opts.stdout : this.#opts.stderr)) return;
      const wait = this.#sink.output(c.stream, c.data);
      if (wait) {
        out.pause();
        void wait.then(() => out.resume(), () => this.close());
      }
    });
    out.on('close', () => this.close());
    if (this.#opts.stdin) {
      let input: AttachConnection;
      try {
        input = await runtime.attach(id);
      } catch (err) {
        // Half a session is none: the output connection must not stay open unread.
        this.close();
        throw err;
      }
      if (this.#closed) {
        input.close();
        return;
      }
      this.#in = input;
      // This connection's output duplicates #out's. It is read and dropped all the same: left
      // unread, it would fill up and block the monitor for every client.
      input.on('data', () => {});
      input.on('drain', () => this.#wakeStdinWriters());
      input.on('close', () => this.#wakeStdinWriters());
      const pending = this.#pendingStdin;
      this.#pendingStdin = [];
      this.#pendingStdinBytes = 0;
      let full = false;
      for (const b of pending) full = !input.writeStdin(b);
      if (!full) this.#wakeStdinWriters();
      if (this.#stdinEnded) this.#finishStdin();
    }
  }

  /** Sends stdin on; a returned promise asks the caller to wait before writing more. */
  writeStdin(data: Buffer): Promise<void> | void {
    if (!this.#opts.stdin || this.#stdinEnded || this.#closed) return;
    if (this.#in) {
      if (this.#in.writeStdin(data)) return;
    } else {
      this.#pendingStdin.push(data);
      this.#pendingStdinBytes += data.length;
      if (this.#pendingStdinBytes < PENDING_STDIN_MAX) return;
    }
    return new Promise((resolve) => this.#stdinWaiters.push(resolve));
  }

  #wakeStdinWriters(): void {
    const waiters = this.#stdinWaiters;
    this.#stdinWaiters = [];
    for (const w of waiters) w();
  }

  /** The client closed its stdin. */
  endStdin(): void {
    if (this.#stdinEnded) return;
    this.#stdinEnded = true;
    if (this.#in) this.#finishStdin();
  }

  #finishStdin(): void {
    // A half-close flushes what is queued first; whether the container's stdin then closes is
    // the monitor's choice (it was started with --leave-stdin-open unless StdinOnce).
    this.#in?.closeStdin();
  }

  /** Ends the session (client gone, container exited, or start failed). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out?.close();
    this.#in?.close();
    this.#pendingStdin = [];
    this.#wakeStdinWriters();
    this.#sink.end();
    this.#onClose?.();
  }
}
