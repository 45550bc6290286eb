import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { LogEntry, LogReadOptions, LogReader } from '../types.js';
import { EntryAssembler } from './assemble.js';
import { rotatedLogFiles } from './files.js';
import { FileLineReader } from './line-reader.js';
import { parseLogLine, type LogLine } from './parse.js';
import { endOfLastLine, tailRecords } from './tail.js';

/** How often a follower looks at the file when no fs.watch event came (missed events, NFS…). */
const FOLLOW_POLL_MS = 250;

type TimedEntry = LogEntry & { seconds: number };

/**
 * Reads a conmon k8s-file log and its rotated siblings (log.N … log.1, then log) as entries:
 * partial records joined, streams selected, `tail` counted from the end without reading the whole
 * log, `since`/`until` applied, and with `follow` new lines delivered as they are written,
 * across rotations, until `stopped` resolves and everything is drained or `signal` aborts.
 */
export const readLogs: LogReader = (logPath: string, opts: LogReadOptions) => generateEntries(logPath, opts);

async function* generateEntries(logPath: string, opts: LogReadOptions): AsyncGenerator<LogEntry> {
  const wantStdout = opts.stdout ?? true;
  const wantStderr = opts.stderr ?? true;
  const acceptStream = (l: LogLine): boolean => (l.stream === 'stdout' ? wantStdout : wantStderr);
  const assembler = new EntryAssembler();
  let pastUntil = false;
  /** Entries completed by `line` that pass the time window; notes when `until` is passed. */
  const feed = (line: LogLine | undefined): TimedEntry[] => {
    if (!line || !acceptStream(line)) return [];
    const e = assembler.push(line);
    return e ? window([e]) : [];
  };
  const window = (entries: TimedEntry[]): TimedEntry[] => entries.filter((e) => {
    if (opts.until !== undefined && e.seconds > opts.until) { pastUntil = true; return false; }
    return opts.since === undefined || e.seconds >= opts.since;
  });
  const strip = ({ seconds: _s, ...e }: TimedEntry): LogEntry => e;

  if (opts.signal?.aborted) return;
  const rotated = await rotatedLogFiles(logPath);
  let live = await openIfExists(logPath);
  let reader: FileLineReader | undefined;
  try {
    if (opts.tail !== undefined && opts.tail >= 0) {
      const rotatedSizes = await Promise.all(rotated.map((f) => stat(f).then((s) => s.size, () => 0)));
      const liveEnd = live ? await endOfLastLine(logPath, (await live.stat()).size) : 0;
      const records = await tailRecords([...rotated, logPath], [...rotatedSizes, liveEnd], opts.tail, acceptStream);
      for (const r of records) for (const e of feed(r)) yield strip(e);
      if (live) reader = new FileLineReader(live, liveEnd);
    } else {
      for (const file of rotated) {
        const fh = await openIfExists(file);
        if (!fh) continue;
        try {
          const r = new FileLineReader(fh);
          for (let lines = await r.next(); lines.length > 0; lines = await r.next()) {
            for (const l of lines) for (const e of feed(parseLogLine(l))) yield strip(e);
            if (pastUntil) return;
          }
          const rest = r.takeRest();
          if (rest) for (const e of feed(parseLogLine(rest))) yield strip(e);
        } finally {
          await fh.close();
        }
      }
      if (live) reader = new FileLineReader(live, 0);
    }

    const drain = async function* (): AsyncGenerator<TimedEntry> {
      if (!reader) return;
      for (let lines = await reader.next(); lines.length > 0; lines = await reader.next()) {
        for (const l of lines) yield* feed(parseLogLine(l));
        if (pastUntil || opts.signal?.aborted) return;
      }
    };

    for await (const e of drain()) yield strip(e);
    if (!opts.follow || pastUntil || opts.signal?.aborted) {
      for (const e of window(assembler.flush())) yield strip(e);
      return;
    }

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
        for await (const e of drain()) yield strip(e);
        if (pastUntil || opts.signal?.aborted) return;
        // Rotation: the path now names a new file. Finish the old one, then switch.
        const current = await stat(logPath).catch(() => undefined);
        if (current && (!live || current.ino !== (await live.stat()).ino)) {
          for await (const e of drain()) yield strip(e);
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
      for (const e of window(assembler.flush())) yield strip(e);
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
