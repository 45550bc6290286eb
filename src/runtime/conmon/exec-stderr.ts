import { Readable } from 'node:stream';

/** Past this, held stderr is let through even before the start is confirmed. */
const HOLD_LIMIT = 64 * 1024;

/**
 * The exec'd process inherits the runtime helper's stderr, so the helper's own refusal
 * ("exec failed: …") would reach the client as if the process had printed it. Stderr is held
 * until the start is confirmed (`release`) and thrown away when the start failed (`discard`).
 * Flow control passes through: a reader that stops reading stops the source.
 */
export class HeldStderr extends Readable {
  readonly #source: Readable;
  #held: Buffer[] = [];
  #heldBytes = 0;
  #holding = true;
  /** The source ended while holding. */
  #endPending = false;

  constructor(source: Readable) {
    super();
    this.#source = source;
    source.on('data', (d: Buffer) => {
      if (this.#holding) {
        this.#held.push(d);
        this.#heldBytes += d.length;
        if (this.#heldBytes > HOLD_LIMIT) this.release();
        return;
      }
      if (!this.push(d)) source.pause();
    });
    source.on('end', () => {
      // The end is decided by release/discard when still holding.
      if (!this.#holding) this.push(null);
      else this.#endPending = true;
    });
    source.on('error', (err) => this.destroy(err));
  }

  /** The process is running: what was held is its own output. */
  release(): void {
    if (!this.#holding) return;
    this.#holding = false;
    for (const d of this.#held) this.push(d);
    this.#held = [];
    if (this.#endPending) this.push(null);
  }

  /** The process never ran: what was held is the runtime's message; returns it. */
  discard(): string {
    const text = Buffer.concat(this.#held).toString('utf8');
    this.#held = [];
    if (this.#holding) {
      this.#holding = false;
      if (this.#endPending) this.push(null);
    }
    return text;
  }

  override _read(): void {
    this.#source.resume();
  }
}
