import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ExitRecord } from '../types.js';
import { exitFileKey, readExitFile } from './exit-file.js';

/** Extra details an exit needs beyond the exit file (e.g. whether the OOM killer struck). */
export type ExitDecorator = (id: string, exit: ExitRecord) => Promise<ExitRecord>;

/**
 * Reports each exit file in conmon's exit directory once. fs.watch gives prompt notice; a slow
 * poll covers missed events (inotify overflow, files written while we were not watching). Exits
 * that happened while berthd was down are reported by the first scan.
 */
export class ExitWatcher {
  private readonly listeners: Array<(id: string, exit: ExitRecord) => void> = [];
  private readonly reported = new Map<string, string>();
  private watcher?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  private rescan = false;
  private fullScanWanted = false;
  private readonly wanted = new Set<string>();
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly decorate: ExitDecorator,
    private readonly pollMs = 2000,
    private readonly onError: (err: unknown) => void = () => {},
    /** Ids whose exit must not be reported yet (a create in progress may still fail and be undone). */
    private readonly isPending: (id: string) => boolean = () => false,
  ) {}

  /** Adds a listener; the first one starts watching. */
  add(listener: (id: string, exit: ExitRecord) => void): void {
    this.listeners.push(listener);
    if (this.listeners.length === 1) this.start().catch((err) => this.onError(err));
  }

  /**
   * Reports an exit that no file records (the monitor died first), once, unless the file shows
   * up meanwhile: then that real record was or will be reported instead.
   */
  async report(id: string, exit: ExitRecord): Promise<void> {
    await this.scan(id);
    if (this.closed || this.reported.has(id)) return;
    this.reported.set(id, 'lost');
    this.emit(id, exit);
  }

  private emit(id: string, exit: ExitRecord): void {
    for (const l of this.listeners) {
      try { l(id, exit); } catch (err) { this.onError(err); }
    }
  }

  /** Forgets what was reported for `id`, so the next exit file of a re-created container counts. */
  forget(id: string): void {
    this.reported.delete(id);
  }

  private async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    if (this.closed) return;
    try {
      // The event names the file: look at that one only; the poll does the full scans.
      this.watcher = watch(this.dir, (_event, name) => { void this.scan(name ?? undefined); });
      this.watcher.on('error', (err) => this.onError(err));
      this.watcher.unref();
    } catch (err) {
      this.onError(err);
    }
    this.poll = setInterval(() => { void this.scan(); }, this.pollMs);
    this.poll.unref();
    void this.scan();
  }

  /**
   * Looks at one exit file, or at all of them when `id` is undefined. Requests that arrive during
   * a pass are merged into one more pass.
   */
  scan(id?: string): Promise<void> {
    if (id === undefined) this.fullScanWanted = true; else this.wanted.add(id);
    if (this.scanning) { this.rescan = true; return this.scanning; }
    this.scanning = (async () => {
      do {
        this.rescan = false;
        const full = this.fullScanWanted;
        const ids = [...this.wanted];
        this.fullScanWanted = false;
        this.wanted.clear();
        await this.scanOnce(full ? undefined : ids).catch((err) => this.onError(err));
      } while (this.rescan && !this.closed);
    })().finally(() => { this.scanning = undefined; });
    return this.scanning;
  }

  private async scanOnce(only: string[] | undefined): Promise<void> {
    let names: string[];
    if (only) {
      names = only;
    } else {
      names = await readdir(this.dir).catch(() => [] as string[]);
      const present = new Set(names);
      for (const id of [...this.reported.keys()]) if (!present.has(id)) this.reported.delete(id);
    }
    for (const id of names) {
      if (this.closed) return;
      if (this.isPending(id)) continue;
      // A stat is enough to skip what was reported: the poll must stay cheap with many containers.
      const key = await exitFileKey(path.join(this.dir, id));
      if (key === undefined || this.reported.get(id) === key) continue;
      const exit = await readExitFile(path.join(this.dir, id));
      if (!exit || this.reported.get(id) === exit.key) continue;
      this.reported.set(id, exit.key);
      const { key: _key, ...record } = exit;
      this.emit(id, await this.decorate(id, record).catch(() => record));
    }
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
  }
}
