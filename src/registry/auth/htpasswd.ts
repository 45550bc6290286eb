/**
 * Accounts from an htpasswd file, bcrypt entries only (`htpasswd -B`: $2y$, $2a$, $2b$).
 * Other schemes (MD5 $apr1$, {SHA}, crypt, plain text) are weak, so the file is refused at load
 * with the line that holds one. Checking a password costs a bcrypt; an unknown account costs
 * the same (a compare against a dummy hash), so timing does not tell which accounts exist, and
 * a successful check is remembered briefly so a pull of ten layers pays one bcrypt, not ten.
 */
import { readFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { registryError } from '../errors.js';
import { SuccessCache } from './success-cache.js';

const BCRYPT_RE = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
/** bcrypt's floor; and a ceiling past which one login takes seconds of CPU (cost 31 would take days). */
export const MIN_COST = 4;
export const MAX_COST = 14;
/** Longer user names or passwords are not worth a bcrypt. */
const MAX_USER = 256;
const MAX_PASSWORD = 1024;
/**
 * bcrypt is CPU by design: at most this many run at once and this many wait, so a flood of
 * logins gets 429 TOOMANYREQUESTS instead of starving every other request of CPU.
 */
const MAX_RUNNING = 4;
const MAX_WAITING = 64;

/** Runs at most `max` tasks at once; refuses beyond `maxWaiting` queued. */
class Limiter {
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(readonly max: number, readonly maxWaiting: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#running < this.max) {
      this.#running++;
    } else {
      if (this.#waiting.length >= this.maxWaiting) throw registryError('tooManyRequests', undefined, undefined, 'too many logins at once; try again');
      // The slot is handed over by the task that finishes, so #running stays counted.
      await new Promise<void>((ok) => this.#waiting.push(ok));
    }
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

/** Parses htpasswd text into account → hash; `source` names the file in errors. */
export function parseHtpasswd(text: string, source = 'htpasswd'): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source}:${i + 1}`;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new InvalidArgumentError(`${where}: not "user:hash"`);
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    const m = BCRYPT_RE.exec(hash);
    if (!m) {
      throw new InvalidArgumentError(`${where}: the entry for ${JSON.stringify(user)} is not a bcrypt hash; only bcrypt is accepted (make one with "htpasswd -B")`);
    }
    const cost = Number(m[1]);
    if (cost < MIN_COST || cost > MAX_COST) {
      throw new InvalidArgumentError(`${where}: bcrypt cost ${cost} for ${JSON.stringify(user)} is outside ${MIN_COST}..${MAX_COST}`);
    }
    if (out.has(user)) throw new InvalidArgumentError(`${where}: account ${JSON.stringify(user)} appears twice`);
    out.set(user, hash);
  });
  return out;
}

export interface HtpasswdOptions {
  /** The password check (bcrypt by default; tests count calls). */
  compare?: (password: string, hash: string) => Promise<boolean>;
  cache?: SuccessCache;
  /** bcrypt compares at once, and waiting (tests shrink them). */
  maxRunning?: number;
  maxWaiting?: number;
}

export class Htpasswd {
  readonly #entries: Map<string, string>;
  readonly #dummy: string;
  readonly #compare: (password: string, hash: string) => Promise<boolean>;
  readonly #cache: SuccessCache;
  readonly #limiter: Limiter;

  private constructor(entries: Map<string, string>, dummy: string, opts: HtpasswdOptions) {
    this.#entries = entries;
    this.#dummy = dummy;
    this.#compare = opts.compare ?? ((p, h) => bcrypt.compare(p, h));
    this.#cache = opts.cache ?? new SuccessCache();
    this.#limiter = new Limiter(opts.maxRunning ?? MAX_RUNNING, opts.maxWaiting ?? MAX_WAITING);
  }

  static async fromText(text: string, source?: string, opts: HtpasswdOptions = {}): Promise<Htpasswd> {
    const entries = parseHtpasswd(text, source);
    // The dummy costs what a real entry costs (the most common cost in the file).
    const counts = new Map<number, number>();
    for (const h of entries.values()) counts.set(bcrypt.getRounds(h), (counts.get(bcrypt.getRounds(h)) ?? 0) + 1);
    const cost = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
    const dummy = await bcrypt.hash(`dummy-${Math.random()}`, cost);
    return new Htpasswd(entries, dummy, opts);
  }

  static async load(path: string, opts: HtpasswdOptions = {}): Promise<Htpasswd> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new InvalidArgumentError(`cannot read htpasswd file ${path}: ${(err as Error).message}`);
    }
    return Htpasswd.fromText(text, path, opts);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Whether `password` is the account's; unknown accounts take as long as known ones. */
  async check(user: string, password: string): Promise<boolean> {
    if (user.length > MAX_USER || password.length > MAX_PASSWORD) return false;
    const hash = this.#entries.get(user);
    if (hash === undefined) {
      await this.#limiter.run(() => this.#compare(password, this.#dummy));
      return false;
    }
    if (this.#cache.has(user, password, hash)) return true;
    const ok = await this.#limiter.run(() => this.#compare(password, hash));
    if (ok) this.#cache.add(user, password, hash);
    return ok;
  }
}
