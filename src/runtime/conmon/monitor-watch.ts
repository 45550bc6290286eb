import { isLiveConmon } from './monitor-process.js';

/** Options of {@link MonitorWatch}. */
export interface MonitorWatchOptions {
  /** How often every watched monitor is looked at (ms). */
  intervalMs: number;
  /** The pid of a container's conmon, as it recorded it; undefined when unknown. */
  monitorPid: (id: string) => Promise<number | undefined>;
  /** Called once when a watched monitor is found gone (it is no longer watched then). */
  onLost: (id: string) => Promise<void>;
  onError: (err: unknown) => void;
}

/**
 * Notices monitors that die without recording an exit (killed, crashed), which the exit
 * directory alone would never tell: the container would look running forever. One timer looks at
 * every watched monitor through /proc, without spawning anything.
 */
export class MonitorWatch {
  readonly #opts: MonitorWatchOptions;
  /** Watched ids and their monitor's pid once read. */
  readonly #watched = new Map<string, number | undefined>();
  #timer?: NodeJS.Timeout;
  #ticking = false;

  constructor(opts: MonitorWatchOptions) {
    this.#opts = opts;
  }

  /** Starts watching `id`; its monitor is looked at right away and then on every tick. */
  watch(id: string): void {
    if (this.#watched.has(id)) return;
    this.#watched.set(id, undefined);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#tick(), this.#opts.intervalMs);
      this.#timer.unref();
    }
    void this.#check(id).catch((err) => this.#opts.onError(err));
  }

  unwatch(id: string): void {
    this.#watched.delete(id);
    if (this.#watched.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  close(): void {
    this.#watched.clear();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      for (const id of [...this.#watched.keys()]) await this.#check(id).catch((err) => this.#opts.onError(err));
    } finally {
      this.#ticking = false;
    }
  }

  async #check(id: string): Promise<void> {
    if (!this.#watched.has(id)) return;
    let pid = this.#watched.get(id);
    if (pid === undefined) {
      pid = await this.#opts.monitorPid(id);
      if (!this.#watched.has(id)) return;
      if (pid !== undefined) this.#watched.set(id, pid);
    }
    if (pid !== undefined && (await isLiveConmon(pid))) return;
    if (!this.#watched.has(id)) return;
    this.unwatch(id);
    await this.#opts.onLost(id);
  }
}
