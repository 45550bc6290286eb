import { readdirSync, lstatSync, statSync } from 'node:fs';
import path from 'node:path';

/** A device node of the host, as a privileged container receives it. */
export interface HostDevice {
  type: 'c' | 'b';
  path: string;
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

/** Directories of /dev that are per-container mounts or not devices at all. */
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Major and minor numbers of a Linux dev_t (glibc's encoding). */
export function splitDevNumber(rdev: number): { major: number; minor: number } {
  const dev = BigInt(rdev);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { major, minor };
}

/**
 * Every character and block device under `root` (default /dev), as `--privileged` hands them
 * to the container. /dev/console is left out: the runtime sets it up from the terminal.
 */
export function listHostDevices(root = '/dev'): HostDevice[] {
  const out: HostDevice[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try { names = readdirSync(dir); } catch { return; }
    for (const name of names) {
      const full = path.join(dir, name);
      let st;
      try { st = lstatSync(full); } catch { continue; }
      if (st.isDirectory()) { if (!SKIP_DIRS.has(name)) walk(full); continue; }
      if (full === path.join(root, 'console')) continue;
      const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
      if (!type) continue;
      out.push({ type, path: full, ...splitDevNumber(st.rdev), fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
    }
  };
  walk(root);
  return out;
}

/**
 * The device node at `hostPath` (symlinks followed, as `--device` does), or every device under
 * it when it is a directory. Throws the fs error (ENOENT) when it does not exist; a path that is
 * neither a device nor a directory yields nothing.
 */
export function hostDevicesAt(hostPath: string): HostDevice[] {
  const st = statSync(hostPath);
  if (st.isDirectory()) return listHostDevices(hostPath);
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
  if (!type) return [];
  return [{ type, path: hostPath, ...splitDevNumber(st.rdev), fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid }];
}
