import type { Readable } from 'node:stream';
import type { ContainerPathStat } from '../../api/archive.js';
import { ForbiddenError, InvalidArgumentError, NotFoundError } from '../../lib/errors/index.js';
import { extractTar, packPath, parseContainerPath, PinnedRoot, readSmallFile, statPath, type ContainerPath } from '../../sys/fsroot/index.js';
import type { ContainerContext } from './context.js';
import { hasProcess, type ContainerRecord } from './model.js';

export interface ArchivePutOptions {
  noOverwriteDirNonDir: boolean;
  copyUIDGID: boolean;
  signal?: AbortSignal;
}

/** A pinned root for one operation, and how to let it go. */
interface RootLease {
  root: PinnedRoot;
  release(): void;
}

/**
 * The container's files as the container sees them. A running container's root is its own
 * view (/proc/<pid>/root), binds and tmpfs included; a stopped one gets its rootfs mounted for
 * the operation, under the container's lock so a start cannot race the unmount.
 */
async function leaseRoot(c: ContainerContext, rec: ContainerRecord): Promise<RootLease> {
  if (hasProcess(rec.state) && rec.state.pid > 0) {
    const root = PinnedRoot.open(`/proc/${rec.state.pid}/root`);
    return { root, release: () => root.close() };
  }
  return new Promise<RootLease>((resolveLease, rejectLease) => {
    void c.locks.run(rec.id, async () => {
      let leased = false;
      try {
        const merged = await c.deps.snapshotter.mount(rec.id);
        const root = PinnedRoot.open(merged);
        let done!: () => void;
        const released = new Promise<void>((r) => { done = r; });
        leased = true;
        resolveLease({ root, release: () => { root.close(); done(); } });
        await released;
      } catch (err) {
        if (!leased) rejectLease(err);
      } finally {
        // Started meanwhile? Not possible: start takes the same lock. Unmount what this mounted.
        await c.deps.snapshotter.unmount(rec.id).catch((err) => c.deps.log(`unmounting ${rec.id} after copy: ${String(err)}`));
      }
    });
  });
}

function notFound(path: string, ref: string): NotFoundError {
  return new NotFoundError(`Could not find the file ${path} in container ${ref}`);
}

/** Docker's wording for the errno a lookup ended with. */
function lookupError(err: unknown, path: string, ref: string): unknown {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT': return notFound(path, ref);
    case 'ENOTDIR': return new InvalidArgumentError(`lstat ${path}: not a directory`);
    case 'ELOOP': return new InvalidArgumentError(`${path}: too many levels of symbolic links`);
    case 'ENAMETOOLONG': return new InvalidArgumentError(`${path}: file name too long`);
    case 'EXDEV': return new InvalidArgumentError(`${path}: crosses a mount the container cannot leave`);
    default: return err;
  }
}

async function withRoot<T>(c: ContainerContext, ref: string, fn: (rec: ContainerRecord, root: PinnedRoot) => Promise<T>): Promise<T> {
  const rec = c.deps.store.get(ref);
  const lease = await leaseRoot(c, rec);
  try {
    return await fn(rec, lease.root);
  } finally {
    lease.release();
  }
}

async function stat(root: PinnedRoot, p: ContainerPath, raw: string, ref: string): Promise<ContainerPathStat> {
  try {
    return await statPath(root, p);
  } catch (err) {
    throw lookupError(err, raw, ref);
  }
}

/** HEAD /containers/{id}/archive. */
export function containerArchiveStat(c: ContainerContext, ref: string, path: string): Promise<ContainerPathStat> {
  const p = parseContainerPath(path);
  return withRoot(c, ref, (_rec, root) => stat(root, p, path, ref));
}

/** GET /containers/{id}/archive: the stat, and a tar stream that releases the root when it ends. */
export async function containerArchiveGet(c: ContainerContext, ref: string, path: string): Promise<{ stat: ContainerPathStat; archive: Readable }> {
  const p = parseContainerPath(path);
  const rec = c.deps.store.get(ref);
  const lease = await leaseRoot(c, rec);
  try {
    const st = await stat(lease.root, p, path, ref);
    let archive: Readable;
    try {
      archive = packPath(lease.root, p, { onClose: () => lease.release() });
    } catch (err) {
      throw lookupError(err, path, ref);
    }
    c.deps.events.container(rec, 'archive-path', {});
    return { stat: st, archive };
  } catch (err) {
    lease.release();
    throw err;
  }
}

/** Whether `dir` (resolved, inside the container) lies in a writable mount rather than the rootfs. */
function inWritableMount(rec: ContainerRecord, dir: string): boolean {
  return rec.mounts.some((m) => {
    const dest = m.destination.replace(/\/+$/, '');
    return !m.readOnly && (dir === dest || dir.startsWith(dest + '/'));
  });
}

/** The owner `copyUIDGID` asks for: the container's configured user, as Docker resolves it. */
async function configuredOwner(rec: ContainerRecord, root: PinnedRoot): Promise<{ uid: number; gid: number }> {
  const user = rec.config.User ?? '';
  if (user === '') return { uid: 0, gid: 0 };
  const [u = '', g] = user.split(':');
  const passwd = (await readSmallFile(root, '/etc/passwd')) ?? '';
  const entry = passwd.split('\n').map((l) => l.split(':')).find((f) => f[0] === u || (/^\d+$/.test(u) && f[2] === u));
  const uid = /^\d+$/.test(u) ? Number(u) : entry ? Number(entry[2]) : NaN;
  if (!Number.isInteger(uid)) throw new InvalidArgumentError(`unable to find user ${u}: no matching entries in passwd file`);
  let gid = entry ? Number(entry[3]) : 0;
  if (g !== undefined && g !== '') {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const group = ((await readSmallFile(root, '/etc/group')) ?? '').split('\n').map((l) => l.split(':')).find((f) => f[0] === g);
      if (!group) throw new InvalidArgumentError(`unable to find group ${g}: no matching entries in group file`);
      gid = Number(group[2]);
    }
  }
  return { uid, gid };
}

/** PUT /containers/{id}/archive: extracts `body` into the directory `path`. */
export function containerArchivePut(c: ContainerContext, ref: string, path: string, body: Readable, opts: ArchivePutOptions): Promise<void> {
  const p = parseContainerPath(path);
  return withRoot(c, ref, async (rec, root) => {
    let dest: string;
    try {
      await statPath(root, { ...p, asDir: true });
      dest = await root.realPath(p.clean);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new InvalidArgumentError('extraction point is not a directory');
      throw lookupError(err, path, ref);
    }
    if (rec.hostConfig.ReadonlyRootfs && !inWritableMount(rec, dest)) throw new ForbiddenError('container rootfs is marked read-only');
    const owner = opts.copyUIDGID ? await configuredOwner(rec, root) : null;
    try {
      await extractTar(root, dest, body, { noOverwriteDirNonDir: opts.noOverwriteDirNonDir, owner, signal: opts.signal });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EROFS') throw new ForbiddenError('container rootfs is marked read-only');
      throw err;
    }
    c.deps.events.container(rec, 'extract-to-dir', {});
  });
}
