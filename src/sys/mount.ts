import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execOk, execFile } from './exec.js';

/** One line of /proc/self/mountinfo, the fields berth reads. */
export interface MountInfo {
  id: number;
  parentId: number;
  /** Mount point, octal escapes decoded. */
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-mount options (rw, nosuid, ...). */
  options: string;
  /** The optional fields: propagation (shared:N, master:N, propagate_from:N, unbindable). */
  optional: string[];
  /** Per-superblock options (lowerdir=..., ...). */
  superOptions: string;
}

/** Options for {@link mount}. */
export interface MountOptions {
  /** Working directory for /bin/mount: overlay resolves relative lowerdir paths against it. */
  cwd?: string;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses the text of a mountinfo file (exported for tests). */
export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0 || fields.length < sep + 3) continue;
    out.push({
      id: Number(fields[0]),
      parentId: Number(fields[1]),
      mountPoint: unescapeMountField(fields[4]!),
      options: fields[5]!,
      optional: fields.slice(6, sep),
      fsType: fields[sep + 1]!,
      source: unescapeMountField(fields[sep + 2]!),
      superOptions: fields[sep + 3] ?? '',
    });
  }
  return out;
}

/** The mounts of this process's mount namespace. */
export async function listMounts(): Promise<MountInfo[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Whether something is mounted exactly at `path` (not merely below a mount). */
export async function isMounted(path: string): Promise<boolean> {
  const want = resolve(path);
  return (await listMounts()).some((m) => m.mountPoint === want);
}

/**
 * Mounts `source` on `target` by spawning /bin/mount (no native binding needed).
 * Throws HostCommandError with mount's stderr on failure.
 */
export async function mount(source: string, target: string, fsType: string, options: string[], opts: MountOptions = {}): Promise<void> {
  const args = ['-t', fsType];
  if (options.length > 0) args.push('-o', options.join(','));
  args.push(source, target);
  await execOk('/bin/mount', args, opts.cwd ? { cwd: opts.cwd } : {});
}

/**
 * Unmounts `target`. Idempotent: a target that is not mounted is not an error.
 * `lazy` detaches now and cleans up when the last user goes (umount -l).
 */
export async function unmount(target: string, opts: { lazy?: boolean } = {}): Promise<void> {
  if (!(await isMounted(target))) return;
  const args = opts.lazy ? ['-l', target] : [target];
  const r = await execFile('/bin/umount', args);
  // Another caller may have unmounted it between the check and the call.
  if (r.code !== 0 && (await isMounted(target))) await execOk('/bin/umount', args);
}

/**
 * Bind-mounts the file or directory that the open descriptor `fd` names onto `target`. The
 * source is this process's /proc/<pid>/fd/<fd> and mount(8) is told not to canonicalize it, so
 * the kernel binds exactly the inode berthd resolved and checked: a rename or a symlink swapped
 * in since cannot redirect the mount.
 */
export async function bindMountFd(fd: number, target: string): Promise<void> {
  await execOk('/bin/mount', ['--no-canonicalize', '--bind', `/proc/${process.pid}/fd/${fd}`, target]);
}
