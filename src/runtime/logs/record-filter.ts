import type { LogEntry, LogReadOptions } from '../types.js';
import type { LogLine } from './parse.js';

/** The most bytes of a line one entry carries, as Docker's log drivers cut long lines. */
export const MAX_ENTRY_BYTES = 16 * 1024;

const NEWLINE = Buffer.from('\n');

/**
 * Turns log records into entries: the streams asked for, the `since`/`until` window, pieces of
 * at most MAX_ENTRY_BYTES. A line split into partial records is judged by the time of its first
 * record, so it is kept or dropped whole; the entries of a complete line end with "\n".
 */
export class RecordFilter {
  readonly #stdout: boolean;
  readonly #stderr: boolean;
  readonly #since?: number;
  readonly #until?: number;
  /** Streams in the middle of a line, and whether that line is being kept. */
  readonly #open = new Map<'stdout' | 'stderr', boolean>();
  /** A line started after `until`: nothing later can be in the window. */
  pastUntil = false;

  constructor(opts: Pick<LogReadOptions, 'stdout' | 'stderr' | 'since' | 'until'>) {
    this.#stdout = opts.stdout ?? true;
    this.#stderr = opts.stderr ?? true;
    this.#since = opts.since;
    this.#until = opts.until;
  }

  acceptsStream(stream: 'stdout' | 'stderr'): boolean {
    return stream === 'stdout' ? this.#stdout : this.#stderr;
  }

  /** The entries one record gives (none for a malformed or filtered one). */
  *entries(line: LogLine | undefined): Generator<LogEntry> {
    if (!line || this.pastUntil || !this.acceptsStream(line.stream)) return;
    let keep = this.#open.get(line.stream);
    if (keep === undefined) {
      if (this.#until !== undefined && line.seconds > this.#until) {
        this.pastUntil = true;
        return;
      }
      keep = this.#since === undefined || line.seconds >= this.#since;
    }
    if (line.partial) this.#open.set(line.stream, keep);
    else this.#open.delete(line.stream);
    if (!keep) return;
    const data = line.partial ? line.content : Buffer.concat([line.content, NEWLINE]);
    for (let off = 0; off < data.length || off === 0; off += MAX_ENTRY_BYTES) {
      const piece = data.subarray(off, off + MAX_ENTRY_BYTES);
      if (piece.length === 0) return;
      yield { stream: line.stream, time: line.time, data: piece };
    }
  }
}
