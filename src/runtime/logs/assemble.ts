import type { LogEntry } from '../types.js';
import type { LogLine } from './parse.js';

/**
 * Joins partial ("P") records to the full ("F") record that completes them, per stream, since
 * conmon splits long lines and stdout and stderr records may interleave.
 */
export class EntryAssembler {
  private readonly pending = new Map<'stdout' | 'stderr', { time: string; seconds: number; parts: Buffer[] }>();

  /** Feeds one record; returns the entry it completes, if any. */
  push(line: LogLine): (LogEntry & { seconds: number }) | undefined {
    const open = this.pending.get(line.stream);
    if (line.partial) {
      if (open) open.parts.push(line.content);
      else this.pending.set(line.stream, { time: line.time, seconds: line.seconds, parts: [line.content] });
      return undefined;
    }
    this.pending.delete(line.stream);
    const parts = open ? [...open.parts, line.content] : [line.content];
    return {
      stream: line.stream,
      time: open?.time ?? line.time,
      seconds: open?.seconds ?? line.seconds,
      data: Buffer.concat([...parts, Buffer.from('\n')]),
    };
  }

  /** Entries for records still waiting for their end (at EOF of a stopped container). */
  flush(): Array<LogEntry & { seconds: number }> {
    const out = [...this.pending.entries()].map(([stream, p]) => ({ stream, time: p.time, seconds: p.seconds, data: Buffer.concat(p.parts) }));
    this.pending.clear();
    return out.sort((a, b) => a.seconds - b.seconds);
  }
}
