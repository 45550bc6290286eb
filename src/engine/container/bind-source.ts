import { constants } from 'node:fs';
import { chmod, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { listMounts, type MountInfo } from '../../sys/mount.js';
import { at, closeFd, O_PATH, openAt, openHostDir } from '../../sys/fsroot/root.js';
import type { MountPoint } from './mounts.js';

/**
 * Readies the host side of a container's binds at start, as Docker does: a `-v` bind's missing
 * source (and a `--mount` one's with bind-create-src) is made a directory, and a shared or slave
 * bind needs its source on a mount that can propagate.
 * @throws {InvalidArgumentError} when a source cannot be made safely or cannot propagate
 */
export async function prepareBindSources(mounts: readonly MountPoint[]): Promise<void> {
  let mountinfo: MountInfo[] | undefined;
  for (const m of mounts) {
    if (m.type !== 'bind') continue;
    if (makesSourceAtStart(m)) await ensureBindSource(m.source);
    if (/shared|slave/.test(m.propagation)) {
      const real = await realpath(m.source).catch(() => undefined);
      // A source that is gone fails in the runtime, with the runtime's message.
      if (real === undefined) continue;
      mountinfo ??= await listMounts();
      const problem = propagationProblem(real, m.propagation, mountinfo);
      if (problem) throw new InvalidArgumentError(problem);
    }
  }
}

/** A `-v` bind's source is made when missing, a `--mount` one's only with CreateMountpoint. */
export function makesSourceAtStart(m: MountPoint): boolean {
  return m.type === 'bind' && (m.origin === 'binds' || !!m.createSource);
}

/**
 * Makes the directory `path` (and its missing parents) mode 0755, owned by the daemon (root), when
 * nothing is there; whatever is there is left as it is. The walk goes one name at a time from
 * a pinned directory: a symlink on the way is followed only to a directory that exists (a host's
 * /var/run -> /run), and a dangling one is refused rather than followed, so a link planted in a
 * path (say by a container that can write there) cannot steer the directory somewhere else.
 * Returns whether anything was made.
 * @throws {InvalidArgumentError} for a dangling symlink or a file where a directory must be
 */
export async function ensureBindSource(path: string): Promise<boolean> {
  const fail = (why: string): never => {
    // Docker's wording, "error while creating mount source path", followed by the reason.
    throw new InvalidArgumentError(`error while creating mount source path '${path}': ${why}`);
  };
  if (!path.startsWith('/')) fail('the path must be absolute');
  // What is there already (a directory, a file, a link to either) is bound as it is.
  if (await stat(path).then(() => true, () => false)) return false;
  const names = posix.normalize(path).split('/').filter(Boolean);
  let dir = openHostDir('/');
  let made = false;
  try {
    for (const [i, name] of names.entries()) {
      const here = '/' + names.slice(0, i + 1).join('/');
      let next: number | undefined;
      // mkdir never follows a name that is already there; a name that appears between the lstat
      // and the mkdir is looked at again.
      for (let tries = 0; next === undefined; tries++) {
        const st = await lstat(at(dir, name)).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return null;
          throw err;
        });
        if (st === null) {
          try {
            await mkdir(at(dir, name), 0o755);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'EEXIST' && tries < 3) continue;
            throw err;
          }
          next = openAt(dir, name, O_PATH() | constants.O_DIRECTORY);
          // The umask must not narrow it (Docker makes it 0755 whatever the daemon's umask).
          await chmod(at(next), 0o755);
          made = true;
        } else if (st.isSymbolicLink()) {
          try {
            next = openHostDir(at(dir, name));
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === 'ENOENT') fail(`${here} is a symbolic link to a path that does not exist`);
            if (code === 'ENOTDIR') fail(`${here} is a symbolic link to something that is not a directory`);
            throw err;
          }
        } else if (st.isDirectory()) {
          next = openAt(dir, name, O_PATH() | constants.O_DIRECTORY);
        } else {
          // The source is a file (bound as it is) or sits below one (the runtime says so).
          if (i === names.length - 1) return made;
          fail(`${here} is not a directory`);
        }
      }
      closeFd(dir);
      dir = next;
    }
  } finally {
    closeFd(dir);
  }
  return made;
}

/**
 * Docker's rule for propagating binds: a shared one needs its source on a shared mount, a slave
 * one on a shared or slave mount (otherwise nothing could propagate). `source` is a real path.
 * Returns Docker's message when the rule is broken.
 */
export function propagationProblem(source: string, propagation: string, mountinfo: readonly MountInfo[]): string | undefined {
  const shared = propagation.endsWith('shared');
  if (!shared && !propagation.endsWith('slave')) return undefined;
  const under = (mp: string): boolean => mp === '/' || source === mp || source.startsWith(mp + '/');
  // The last of the longest mount points is the one on top, the one the source is on.
  let on: MountInfo | undefined;
  for (const m of mountinfo) if (under(m.mountPoint) && (!on || m.mountPoint.length >= on.mountPoint.length)) on = m;
  if (!on) return undefined;
  const has = (tag: string): boolean => on.optional.some((o) => o.startsWith(tag));
  if (shared && !has('shared:')) return `path ${source} is mounted on ${on.mountPoint} but it is not a shared mount`;
  if (!shared && !has('shared:') && !has('master:')) return `path ${source} is mounted on ${on.mountPoint} but it is not a shared or slave mount`;
  return undefined;
}
