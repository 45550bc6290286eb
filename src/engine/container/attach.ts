import type { AttachConnection, RuntimeIO } from '../../runtime/types.js';

/** Where an attach session's output goes; the route encodes it for the wire. */
export interface AttachSink {
  output(stream: 'stdout' | 'stderr', data: Buffer): void;
  /** The container's streams have ended (it exited) or the session was closed. */
  end(): void;
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/**
 * One client attached to a container. It may be made before the container starts (docker run
 * attaches, then starts): it connects to the monitor when `connect` is called at start, and
 * holds stdin written before that. Output and stdin use separate monitor connections, so that
 * closing stdin never cuts the output.
 */
export class AttachSession {
  readonly #sink: AttachSink;
  readonly #opts: AttachOptions;
  #out?: AttachConnection;
  #in?: AttachConnection;
  #pendingStdin: Buffer[] = [];
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
      if (c.stream === 'stdout' ? this.#opts.stdout : this.#opts.stderr) this.#sink.output(c.stream, c.data);
    });
    out.on('close', () => this.close());
    if (this.#opts.stdin) {
      const input = await runtime.attach(id);
      if (this.#closed) {
        input.close();
        return;
      }
      this.#in = input;
      // The stdin connection's output duplicates #out's; ignore it.
      this.#in.on('data', () => {});
      for (const b of this.#pendingStdin) this.#in.writeStdin(b);
      this.#pendingStdin = [];
      if (this.#stdinEnded) this.#finishStdin();
    }
  }

  writeStdin(data: Buffer): void {
    if (!this.#opts.stdin || this.#stdinEnded) return;
    if (this.#in) this.#in.writeStdin(data);
    else this.#pendingStdin.push(data);
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
    this.#sink.end();
    this.#onClose?.();
  }
}
