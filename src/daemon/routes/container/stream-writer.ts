import type { Duplex, Writable } from 'node:stream';
import { frame, STDERR, STDOUT } from '../../../lib/streams/stdcopy.js';

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

/**
 * Encodes container output for the wire: stdcopy frames without a TTY, raw bytes with one.
 * Write errors (client gone) are swallowed here and reported through `closed`.
 */
export class OutputEncoder {
  readonly #out: Writable | Duplex;
  readonly #tty: boolean;
  closed = false;

  constructor(out: Writable | Duplex, tty: boolean) {
    this.#out = out;
    this.#tty = tty;
    out.on('error', () => (this.closed = true));
    out.on('close', () => (this.closed = true));
  }

  /** Writes one chunk; resolves when the destination can take more (backpressure). */
  write(stream: 'stdout' | 'stderr', data: Buffer): Promise<void> | void {
    if (this.closed || data.length === 0) return;
    const buf = this.#tty ? data : frame(stream === 'stdout' ? STDOUT : STDERR, data);
    if (!this.#out.write(buf)) {
      return new Promise((resolve) => {
        const done = (): void => {
          this.#out.off('drain', done);
          this.#out.off('close', done);
          resolve();
        };
        this.#out.once('drain', done);
        this.#out.once('close', done);
      });
    }
  }

  end(): void {
    if (!this.closed) this.#out.end();
  }
}
