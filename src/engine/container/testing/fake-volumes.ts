import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, NotFoundError } from '../../../lib/errors/index.js';
import type { VolumeCreateRequest, VolumeRecord, VolumeService } from '../../../volume/types.js';

/** A VolumeService over a temp dir, with the contract's rules (idempotent create, in-use refusal). */
export class FakeVolumes implements VolumeService {
  readonly volumes = new Map<string, VolumeRecord>();
  readonly #refs = new Map<string, Set<string>>();
  /** Creating this name fails (to test create's undo). */
  failName = '';

  constructor(private readonly root: string) {}

  list(): VolumeRecord[] {
    return [...this.volumes.values()];
  }
  async listAll(): Promise<{ volumes: VolumeRecord[]; warnings: string[] }> {
    return { volumes: this.list(), warnings: [] };
  }
  async lookup(name: string): Promise<VolumeRecord> {
    return this.get(name);
  }
  get(name: string): VolumeRecord {
    const v = this.volumes.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return v;
  }
  async create(req: VolumeCreateRequest): Promise<VolumeRecord> {
    if (req.name !== '' && req.name === this.failName) throw new Error(`create ${req.name} failed`);
    const name = req.name || randomBytes(32).toString('hex');
    const existing = this.volumes.get(name);
    if (existing) return existing;
    const mountpoint = join(this.root, name, '_data');
    mkdirSync(mountpoint, { recursive: true });
    const rec: VolumeRecord = { name, driver: req.driver || 'local', mountpoint, createdAt: '2026-01-01T00:00:00Z', labels: req.labels, options: req.options, anonymous: !!req.anonymous };
    this.volumes.set(name, rec);
    return rec;
  }
  async remove(name: string, force?: boolean): Promise<void> {
    this.get(name);
    const users = this.refs(name);
    if (users.length > 0 && !force) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    this.volumes.delete(name);
    this.#refs.delete(name);
    rmSync(join(this.root, name), { recursive: true, force: true });
  }
  addRef(name: string, containerId: string): void {
    this.get(name);
    let set = this.#refs.get(name);
    if (!set) this.#refs.set(name, (set = new Set()));
    set.add(containerId);
  }
  releaseRef(name: string, containerId: string): void {
    this.#refs.get(name)?.delete(containerId);
  }
  refs(name: string): string[] {
    return [...(this.#refs.get(name) ?? [])];
  }
  async size(): Promise<number> {
    return 0;
  }
  /** Each mount and unmount as "mount <name> <container>", for tests of the start step. */
  readonly calls: string[] = [];
  async mount(name: string, containerId: string): Promise<string> {
    this.calls.push(`mount ${name} ${containerId}`);
    return this.get(name).mountpoint;
  }
  async unmount(name: string, containerId: string): Promise<void> {
    this.calls.push(`unmount ${name} ${containerId}`);
  }
  async adoptMount(name: string, containerId: string): Promise<void> {
    this.calls.push(`adopt ${name} ${containerId}`);
  }
}
