import { readdir, readFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../lib/fs/atomic.js';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { ContainerRecord } from './model.js';
import { NoSuchContainerError, ContainerNameConflictError } from './errors.js';
import { mountsOf } from './mounts.js';

/**
 * Container records: one directory per container under `root`, holding `container.json`
 * (written atomically) beside the container's log and generated /etc files. The whole set is
 * kept in memory; lookups never touch the disk.
 *
 *   <root>/<id>/container.json   the record
 *   <root>/<id>/container.log    stdout/stderr written by the monitor (+ .1, .2 … when rotated)
 *   <root>/<id>/hostname|hosts|resolv.conf
 *   <root>/<id>/bundle/          the OCI bundle (config.json) the runtime runs
 */
export class ContainerStore {
  readonly #root: string;
  readonly #byId = new Map<string, ContainerRecord>();
  readonly #byName = new Map<string, string>();
  /** Records being removed: still listed (as "removing"), never saved again. */
  readonly #removing = new Set<string>();

  constructor(root: string) {
    this.#root = root;
  }

  dir(id: string): string {
    return join(this.#root, id);
  }

  /** Loads every record; a directory without a readable record (a create cut short) is removed. */
  async load(): Promise<string[]> {
    await mkdir(this.#root, { recursive: true, mode: 0o710 });
    const dropped: string[] = [];
    for (const id of await readdir(this.#root)) {
      if (!/^[0-9a-f]{64}$/.test(id)) continue;
      try {
        const rec = JSON.parse(await readFile(join(this.#root, id, 'container.json'), 'utf8')) as ContainerRecord;
        // Records written before mounts were parsed at create get them parsed once, here.
        if (!Array.isArray(rec.mounts)) rec.mounts = legacyMounts(rec);
        this.#byId.set(rec.id, rec);
        this.#byName.set(rec.name, rec.id);
      } catch {
        dropped.push(id);
      }
    }
    return dropped;
  }

  list(): ContainerRecord[] {
    return [...this.#byId.values()];
  }

  /** Takes `name` for `id`, throwing the Docker conflict error if another container has it. */
  reserveName(name: string, id: string): void {
    const holder = this.#byName.get(name);
    if (holder !== undefined && holder !== id) throw new ContainerNameConflictError(name, holder);
    this.#byName.set(name, id);
  }

  releaseName(name: string, id: string): void {
    if (this.#byName.get(name) === id) this.#byName.delete(name);
  }

  isNameTaken(name: string): boolean {
    return this.#byName.has(name);
  }

  /** Resolves a full id, a name (with or without "/"), or a unique id prefix, as Docker does. */
  get(ref: string): ContainerRecord {
    if (!ref) throw new InvalidArgumentError('container name or ID cannot be empty');
    const exact = this.#byId.get(ref);
    if (exact) return exact;
    const byName = this.#byName.get(ref.startsWith('/') ? ref.slice(1) : ref);
    if (byName) return this.#byId.get(byName)!;
    if (/^[0-9a-f]+$/.test(ref)) {
      let found: ContainerRecord | undefined;
      for (const [id, rec] of this.#byId) {
        if (id.startsWith(ref)) {
          if (found) throw new InvalidArgumentError(`multiple IDs found with provided prefix: ${ref}`);
          found = rec;
        }
      }
      if (found) return found;
    }
    throw new NoSuchContainerError(ref);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /**
   * Persists the record. Only `create` adds a new one: a save of a container that has been
   * removed meanwhile fails, so a late writer cannot bring it back.
   */
  async save(rec: ContainerRecord, opts: { create?: boolean } = {}): Promise<void> {
    if (!opts.create && (!this.#byId.has(rec.id) || this.#removing.has(rec.id))) throw new NoSuchContainerError(rec.id);
    await writeJsonAtomic(join(this.#root, rec.id, 'container.json'), rec);
    this.#byId.set(rec.id, rec);
  }

  /**
   * Deletes the record file: from here a crash leaves a directory without a record, which `load`
   * drops. The record stays listed until `drop`, so users see it "removing" while its rootfs and
   * runtime state go; saves of it fail from now on, so a late writer cannot bring it back.
   */
  async beginRemoval(rec: ContainerRecord): Promise<void> {
    this.#removing.add(rec.id);
    await rm(join(this.#root, rec.id, 'container.json'), { force: true });
  }

  /** Takes the record out of the index and frees its name: the container is gone for every reader. */
  drop(rec: ContainerRecord): void {
    this.#removing.delete(rec.id);
    this.#byId.delete(rec.id);
    this.releaseName(rec.name, rec.id);
  }

  async deleteDir(id: string): Promise<void> {
    await rm(join(this.#root, id), { recursive: true, force: true });
  }
}

/** Mounts of a record written before they were parsed at create; a bad one must not lose the container. */
function legacyMounts(rec: ContainerRecord): ContainerRecord['mounts'] {
  try {
    return mountsOf(rec.hostConfig ?? {});
  } catch {
    return [];
  }
}
