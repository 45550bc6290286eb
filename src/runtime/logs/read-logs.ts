import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { LogEntry, LogReadOptions, LogReader } from '../types.js';
import { RecordFilter } from './record-filter.js';
import { rotatedLogFiles } from './files.js';
import { FileLineReader } from './line-reader.js';
import { parseLogLine } from './parse.js';
import { endOfLastLine, tailStart, type LogPosition } from './tail.js';

/** How often a follower looks at the file when no fs.watch event came (missed events, NFS…). */
const FOLLOW_POLL_MS = 250;

/**
 * Reads a conmon k8s-file log and its rotated siblings (log.N … log.1, then log) as entries:
 * streams selected, `tail` counted in complete lines from the end without reading the whole log,
 * `since`/`until` applied, and with `follow` new records delivered as they are written, across
 * rotations, until `stopped` resolves and everything is drained or `signal` aborts.
 *
 * Memory stays flat whatever the log holds: records are read a chunk at a time and passed on as
 * they are. conmon splits a long line into partial records, and each becomes its own entry (as
 * Docker's 16 KiB pieces do), never joined into one buffer.
 */
export const readLogs: LogReader = (logPath: string, opts: LogReadOptions) => generateEntries(logPath, opts);

async function* generateEntries(logPath: string, opts: LogReadOptions): AsyncGenerator<LogEntry> {
  const filter = new RecordFilter(opts);
  const stop = (): boolean => filter.pastUntil || !!opts.signal?.aborted;
  if (opts.signal?.aborted) return;
  const rotated = await rotatedLogFiles(logPath);
  let live = await openIfExists(logPath);
  let reader: FileLineReader | undefined;
  try {
    const files = [...rotated, logPath];
    let from: LogPosition = { file: 0, offset: 0 };
    if (opts.tail !== undefined && opts.tail >= 0) {
      const rotatedSizes = await Promise.all(rotated.map((f) => stat(f).then((s) => s.size, () => 0)));
      const liveEnd = live ? await endOfLastLine(logPath, (await live.stat()).size) : 0;
      from = await tailStart(files, [...rotatedSizes, liveEnd], opts.tail, (l) => filter.acceptsStream(l.stream));
    }
    for (let f = from.file; f < rotated.length; f++) {
      const fh = await openIfExists(rotated[f]!);
      if (!fh) continue;
      try {
        const r = new FileLineReader(fh, f === from.file ? from.offset : 0);
        for (let lines = await r.next(); lines.length > 0; lines = await r.next()) {
          for (const l of lines) yield* filter.entries(parseLogLine(l));
          if (stop()) return;
        }
        const rest = r.takeRest();
        if (rest) yield* filter.entries(parseLogLine(rest));
      } finally {
        await fh.close();
      }
    }
    if (live) reader = new FileLineReader(live, from.file === rotated.length ? from.offset : 0);

    const drain = async function* (): AsyncGenerator<LogEntry> {
      if (!reader) return;
      for (let lines = await reader.next(); lines.length > 0; lines = await reader.next()) {
        for (const l of lines) yield* filter.entries(parseLogLine(l));
        if (stop()) return;
      }
    };

    yield* drain();
    if (!opts.follow || stop()) return;

    // Follow: wake on directory events, a slow poll, `stopped`, or abort.
    let stopped = false;
    let wake: (() => void) | undefined;
    const poke = (): void => { const w = wake; wake = undefined; w?.(); };
    void opts.stopped?.then(() => { stopped = true; poke(); });
    opts.signal?.addEventListener('abort', poke, { once: true });
    let watcher: FSWatcher | undefined;
    try { watcher = watch(path.dirname(logPath), poke); watcher.on('error', () => {}); } catch { /* poll only */ }
    const timer = setInterval(poke, FOLLOW_POLL_MS);
    try {
      for (;;) {
        const stoppedBefore = stopped;
        yield* drain();
        if (stop()) return;
        // Rotation: the path now names a new file. Finish the old one, then switch.
        const current = await stat(logPath).catch(() => undefined);
        if (current && (!live || current.ino !== (await live.stat()).ino)) {
          yield* drain();
          await live?.close();
          live = await openIfExists(logPath);
          reader = live ? new FileLineReader(live, 0) : undefined;
          continue;
        }
        // Truncated in place (conmon's --log-size-max): start over from its beginning.
        if (current && reader && current.size < reader.position) reader = new FileLineReader(live!, 0);
        if (stoppedBefore) break;
        if (opts.until !== undefined && Date.now() / 1000 > opts.until) break;
        await new Promise<void>((resolve) => { wake = resolve; });
      }
    } finally {
      clearInterval(timer);
      watcher?.close();
      opts.signal?.removeEventListener('abort', poke);
    }
  } finally {
    await live?.close().catch(() => {});
  }
}

async function openIfExists(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
