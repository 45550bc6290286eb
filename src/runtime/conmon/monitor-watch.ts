import { isLiveConmon } from './monitor-process.js';

/** Options of {@link MonitorWatch}. */
export interface MonitorWatchOptions {
  /** How often every watched monitor is looked at (ms). */
  intervalMs: number;
  /** The pid of a container's conmon, as it recorded it; undefined when unknown. */
  monitorPid: (id: string) => Promise<number | undefined>;
  /** Whether `pid` is a live monitor (default: a live process named conmon). */
  isLive?: (pid: number) => Promise<boolean>;
  /**
   * Called once when a watched monitor is found gone (it is no longer watched then). `superseded`
   * turns true if the id is watched again meanwhile (a new run): act on the old one no more.
   */
  onLost: (id: string, superseded: () => boolean) => Promise<void>;
  onError: (err: unknown) => void;
}

/** One watch of one container's monitor; a new watch of the same id is a new object. */
interface Watch {
  pid?: number;
}

/**
 * Notices monitors that die without recording an exit (killed, crashed), which the exit
 * directory alone would never tell: the container would look running forever. One timer looks at
 * every watched monitor through /proc, without spawning anything.
 */
export class MonitorWatch {
  readonly #opts: MonitorWatchOptions;
  readonly #isLive: (pid: number) => Promise<boolean>;
  readonly #watched = new Map<string, Watch>();
  #timer?: NodeJS.Timeout;
  #ticking = false;

  constructor(opts: MonitorWatchOptions) {
    this.#opts = opts;
    this.#isLive = opts.isLive ?? isLiveConmon;
  }

  /**
   * Starts watching `id` from the next tick; `checkNow` looks right away too (restore, where the
   * monitor may have died while berthd was down; a start has just seen its monitor alive).
   */
  watch(id: string, opts: { checkNow?: boolean } = {}): void {
    if (this.#watched.has(id)) return;
    const w: Watch = {};
    this.#watched.set(id, w);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#tick(), this.#opts.intervalMs);
      this.#timer.unref();
    }
    if (opts.checkNow) void this.#check(id, w).catch((err) => this.#opts.onError(err));
  }

  unwatch(id: string): void {
    this.#watched.delete(id);
    if (this.#watched.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  isWatched(id: string): boolean {
    return this.#watched.has(id);
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
      for (const [id, w] of [...this.#watched]) await this.#check(id, w).catch((err) => this.#opts.onError(err));
    } finally {
      this.#ticking = false;
    }
  }

  /**
   * Looks at one watch. After every await it checks that this watch is still the current one:
   * meanwhile the container may have exited and been started again under the same id, and the
   * new run's monitor must not be judged by the old one's pid.
   */
  async #check(id: string, w: Watch): Promise<void> {
    const current = (): boolean => this.#watched.get(id) === w;
    if (w.pid === undefined) {
      w.pid = await this.#opts.monitorPid(id);
      if (!current()) return;
    }
    if (w.pid !== undefined && (await this.#isLive(w.pid))) return;
    if (!current()) return;
    this.unwatch(id);
    await this.#opts.onLost(id, () => this.#watched.has(id));
  }
}
