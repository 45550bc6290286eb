import type { Writable } from 'node:stream';

/** The fields the writer looks at to decide whether a message may replace an older one. */
interface ProgressLike {
  id?: string;
  status?: string;
  progressDetail?: { current?: number };
}

interface Pending {
  line: string;
  /** Set for count messages ("Downloading 3MB/9MB"): a newer count for the same key replaces this one. */
  key?: string;
}

/**
 * Writes a JSON progress stream (pull, push, load: one JSON object per line) to a client that may
 * read slower than the operation reports. While the socket is full, a count message replaces the
 * waiting one of the same layer and step instead of queueing behind it, so what waits is at most
 * one line per layer and step plus the few step changes — the daemon's memory does not grow with a
 * client that does not read. Order is kept: a replaced count stays where its predecessor was.
 */
export class ProgressWriter {
  readonly #out: Writable;
  readonly #pending: Pending[] = [];
  readonly #byKey = new Map<string, Pending>();
  #blocked = false;
  #closed = false;

  constructor(out: Writable) {
    this.#out = out;
    out.once('close', () => {
      this.#closed = true;
      this.#pending.length = 0;
      this.#byKey.clear();
    });
  }

  /** Lines waiting for the client (for tests and the bound). */
  get waiting(): number {
    return this.#pending.length;
  }

  send(msg: object): void {
    if (this.#closed || this.#out.writableEnded || this.#out.destroyed) return;
    const line = `${JSON.stringify(msg)}\r\n`;
    if (!this.#blocked) {
      this.#write(line);
      return;
    }
    const key = countKey(msg as ProgressLike);
    if (key !== undefined) {
      const older = this.#byKey.get(key);
      if (older) {
        older.line = line;
        return;
      }
    }
    const p: Pending = key === undefined ? { line } : { line, key };
    this.#pending.push(p);
    if (key !== undefined) this.#byKey.set(key, p);
    // A step change ends the run of counts before it: a later count must not jump back over it.
    else this.#byKey.clear();
  }

  /** Sends what waits, then ends the response. */
  async end(): Promise<void> {
    while (this.#blocked && !this.#closed) await new Promise<void>((ok) => this.#out.once('drain', ok).once('close', ok));
    if (!this.#closed && !this.#out.writableEnded) this.#out.end();
  }

  #write(line: string): void {
    if (this.#out.write(line)) return;
    this.#blocked = true;
    this.#out.once('drain', () => this.#flush());
  }

  #flush(): void {
    this.#blocked = false;
    while (this.#pending.length > 0 && !this.#blocked && !this.#closed) {
      const p = this.#pending.shift()!;
      if (p.key !== undefined && this.#byKey.get(p.key) === p) this.#byKey.delete(p.key);
      this.#write(p.line);
    }
  }
}

function countKey(m: ProgressLike): string | undefined {
  if (typeof m.id !== 'string' || typeof m.status !== 'string' || typeof m.progressDetail?.current !== 'number') return undefined;
  return `${m.id}\0${m.status}`;
}
