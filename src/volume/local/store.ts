import { lstat, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeJsonAtomic } from '../../lib/fs/atomic.js';
import { KeyedLock } from '../../lib/sync/keyed-lock.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../lib/errors/index.js';
import type { VolumeCreateRequest, VolumeRecord, VolumeService } from '../types.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** The local driver's options: a mount's type, device and mount options (tmpfs, nfs, a bind). */
const LOCAL_OPTS = ['type', 'device', 'o'];

/** Docker's rule for local volume names, with its messages. */
export function validateVolumeName(name: string): void {
  if (name.length === 1) throw new InvalidArgumentError('volume name is too short, names should be at least two alphanumeric characters');
  if (!NAME_RE.test(name)) {
    throw new InvalidArgumentError(`${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

/** RFC 3339 to the second, in UTC ("2026-12-02T03:26:35Z"), as Go's time.RFC3339 prints it. */
function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The local driver: each volume is <root>/<name>/_data beside <root>/<name>/volume.json.
 * Metadata lives in memory after `load`; who uses a volume is memory only (the container side
 * re-adds its references when it restores containers).
 */
export class LocalVolumeService implements VolumeService {
  readonly #root: string;
  readonly #vols = new Map<string, VolumeRecord>();
  readonly #refs = new Map<string, Set<string>>();
  readonly #lock = new KeyedLock();
  readonly #warn: (msg: string) => void;

  constructor(root: string, warn: (msg: string) => void = () => {}) {
    this.#root = root;
    this.#warn = warn;
  }

  get root(): string {
    return this.#root;
  }

  /**
   * Reads every volume's metadata and finishes what a crash cut short: removals renamed aside are
   * deleted, temp files of a metadata write are dropped, and a volume whose metadata is missing or
   * unreadable keeps its data (rebuilt as a plain local volume, and said), so nothing vanishes and
   * no later create silently takes over old files.
   */
  async load(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: 0o701 });
    for (const ent of await readdir(this.#root, { withFileTypes: true })) {
      if (!ent.isDirectory()) continue;
      if (ent.name.startsWith('.')) {
        if (TRASH_RE.test(ent.name)) {
          await rm(join(this.#root, ent.name), { recursive: true, force: true })
            .catch((err: Error) => this.#warn(`volume leftover ${ent.name}: could not finish its removal: ${err.message}`));
        }
        continue;
      }
      const rec = await this.#loadOne(ent.name);
      if (rec) this.#vols.set(rec.name, rec);
    }
  }

  async #loadOne(name: string): Promise<VolumeRecord | undefined> {
    const dir = join(this.#root, name);
    const meta = join(dir, 'volume.json');
    const mountpoint = join(dir, '_data');
    await dropTempFiles(dir);
    let problem: string;
    try {
      const rec = parseRecord(await readFile(meta, 'utf8'), name);
      return { ...rec, mountpoint };
    } catch (err) {
      problem = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no metadata' : `unreadable metadata: ${(err as Error).message}`;
    }
    const data = await lstat(mountpoint).catch(() => undefined);
    if (!data?.isDirectory() || !NAME_RE.test(name)) {
      this.#warn(`volume ${name}: skipped, ${problem} and no _data directory`);
      return undefined;
    }
    // The data is what matters: keep it as a local volume without labels or options, and write
    // metadata for it so the next start finds a normal volume. The unreadable file stays aside.
    const born = data.birthtimeMs > 0 ? data.birthtimeMs : data.mtimeMs;
    const rec: VolumeRecord = { name, driver: 'local', mountpoint, createdAt: rfc3339Seconds(born), labels: {}, options: {}, anonymous: false };
    this.#warn(`volume ${name}: ${problem}; kept its data as a local volume without labels or options`);
    try {
      if (problem !== 'no metadata') await rename(meta, join(dir, 'volume.json.unreadable'));
      await writeJsonAtomic(meta, rec);
    } catch (err) {
      this.#warn(`volume ${name}: could not rewrite its metadata: ${(err as Error).message}`);
    }
    return rec;
  }

  list(): VolumeRecord[] {
    return [...this.#vols.values()].map(copy);
  }

  get(name: string): VolumeRecord {
    const v = this.#vols.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return copy(v);
  }

  async create(req: VolumeCreateRequest): Promise<VolumeRecord> {
    const name = req.name || randomBytes(32).toString('hex');
    validateVolumeName(name);
    const driver = req.driver || 'local';
    // Two creates of one name (two containers sharing a new volume) must see one volume.
    return this.#lock.run(name, async () => {
      const existing = this.#vols.get(name);
      if (existing) {
        if (existing.driver !== driver) throw new ConflictError(`create ${name}: driver '${existing.driver}' already has volume '${name}': volume name must be unique`);
        return copy(existing);
      }
      if (driver !== 'local') throw new NotFoundError(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
      for (const k of Object.keys(req.options)) if (!LOCAL_OPTS.includes(k)) throw new InvalidArgumentError(`invalid option key: ${JSON.stringify(k)}`);
      const dir = join(this.#root, name);
      const rec: VolumeRecord = {
        name, driver, mountpoint: join(dir, '_data'), createdAt: rfc3339Seconds(Date.now()),
        labels: { ...req.labels }, options: { ...req.options }, anonymous: req.anonymous ?? false,
      };
      await mkdir(rec.mountpoint, { recursive: true, mode: 0o755 });
      try {
        await writeJsonAtomic(join(dir, 'volume.json'), rec);
      } catch (err) {
        await rm(dir, { recursive: true, force: true }).catch(() => {});
        throw err;
      }
      this.#vols.set(name, rec);
      return copy(rec);
    });
  }

  remove(name: string, force = false): Promise<void> {
    return this.#lock.run(name, async () => {
      if (!this.#vols.has(name)) {
        if (force) return;
        throw new NotFoundError(`get ${name}: no such volume`);
      }
      const users = this.refs(name);
      if (users.length) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      // Renamed aside first, so a crash mid-delete never leaves a half-emptied volume under its name.
      const dir = join(this.#root, name);
      const trash = join(this.#root, `.${name}.removing-${randomBytes(4).toString('hex')}`);
      await rename(dir, trash).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
      this.#vols.delete(name);
      await rm(trash, { recursive: true, force: true });
    });
  }

  addRef(name: string, containerId: string): void {
    let s = this.#refs.get(name);
    if (!s) this.#refs.set(name, (s = new Set()));
    s.add(containerId);
  }

  releaseRef(name: string, containerId: string): void {
    const s = this.#refs.get(name);
    if (!s) return;
    s.delete(containerId);
    if (s.size === 0) this.#refs.delete(name);
  }

  refs(name: string): string[] {
    return [...(this.#refs.get(name) ?? [])];
  }

  async size(name: string): Promise<number> {
    return treeSize(this.get(name).mountpoint);
  }

  async mount(name: string, _containerId: string): Promise<string> {
    return this.get(name).mountpoint;
  }

  async unmount(_name: string, _containerId: string): Promise<void> {}

  async adoptMount(_name: string, _containerId: string): Promise<void> {}
}

/** A removal renamed aside (`.<name>.removing-<hex>`) that a crash left behind. */
const TRASH_RE = /^\.[a-zA-Z0-9][a-zA-Z0-9_.-]+\.removing-[0-9a-f]+$/;
/** A temp file of writeJsonAtomic that a crash left before its rename. */
const TEMP_RE = /^\.volume\.json\.[0-9a-f]+\.tmp$/;

async function dropTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names) if (TEMP_RE.test(n)) await rm(join(dir, n), { force: true }).catch(() => {});
}

/** volume.json of the volume in `dir`, checked field by field: a torn or foreign file is refused. */
function parseRecord(text: string, dir: string): VolumeRecord {
  const v = JSON.parse(text) as Partial<VolumeRecord> | null;
  if (!v || typeof v !== 'object') throw new Error('not an object');
  if (v.name !== dir) throw new Error(`metadata names ${JSON.stringify(v.name)}`);
  const isMap = (m: unknown) => !!m && typeof m === 'object' && !Array.isArray(m) && Object.values(m).every((x) => typeof x === 'string');
  if (typeof v.driver !== 'string' || typeof v.createdAt !== 'string' || !isMap(v.labels) || !isMap(v.options)) throw new Error('fields missing or of the wrong type');
  // Fields this check does not know (added later) are kept as written.
  return { ...v, name: v.name, driver: v.driver, mountpoint: '', createdAt: v.createdAt, labels: v.labels!, options: v.options!, anonymous: v.anonymous === true };
}

function copy(v: VolumeRecord): VolumeRecord {
  return { ...v, labels: { ...v.labels }, options: { ...v.options } };
}

/** Bytes of regular files under a directory; symlinks count as themselves and are not followed. */
async function treeSize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(p);
    else {
      const st = await lstat(p).catch(() => undefined);
      if (st) total += st.size;
    }
  }
  return total;
}
