import type { JsonMessage } from '../../api/progress.js';

export type { JsonMessage };

/** Where a pull or push reports progress. */
export type ProgressSink = (m: JsonMessage) => void;

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Decimal sizes with four significant digits, as Docker prints them ("36.45kB", "1.064MB", "527B"). */
export function humanSize(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Number(v.toPrecision(4))}${UNITS[u]}`;
}

/** Docker's text bar: "[=====>      ]  1.2MB/3.4MB" (50 columns), or just the count past the total. */
export function progressBar(current: number, total: number): string {
  if (total <= 0) return current > 0 ? humanSize(current).padStart(8) : '';
  const filled = Math.min(50, Math.trunc(Math.trunc((current / total) * 100) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(50 - filled)}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** A plain status line, with a layer id when it is about one. */
export function statusMessage(status: string, id?: string): JsonMessage {
  return id === undefined ? { status } : { status, id };
}

/** A per-layer step without a count ("Pulling fs layer", "Pushed"), with Docker's empty progressDetail. */
export function layerMessage(status: string, id: string): JsonMessage {
  return { status, progressDetail: {}, id };
}

/** A per-layer step with a count ("Downloading", "Extracting", "Pushing"). */
export function progressMessage(status: string, id: string, current: number, total: number): JsonMessage {
  return { status, progressDetail: { current, total }, progress: progressBar(current, total), id };
}

/** The last message of a failed stream. */
export function errorMessage(message: string): JsonMessage {
  return { errorDetail: { message }, error: message };
}

/** Limits a count's messages to one per interval, plus the last one. */
export class ProgressThrottle {
  #last = 0;
  constructor(private readonly intervalMs = 100) {}

  due(): boolean {
    const now = Date.now();
    if (now - this.#last < this.intervalMs) return false;
    this.#last = now;
    return true;
  }
}
