import path from 'node:path';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { resolveInRoot } from './in-root.js';

/**
 * Checks the working directory before the runtime chdirs into it. runc < 1.1.12 leaks an fd of
 * the host's cgroup tree into `runc init`, so a cwd of /proc/self/fd/N (directly, or through a
 * symlink in the image) lands the process on the host (CVE-2024-21626). No legitimate workload
 * works inside /proc, so any cwd that resolves there is refused, whatever the runtime version.
 */
export function checkWorkingDir(rootfs: string, cwd: string): string {
  if (!cwd.startsWith('/')) throw new InvalidArgumentError(`the working directory '${cwd}' is invalid, it needs to be an absolute path`);
  // Resolve as the kernel would (symlinks first, then ".."), not lexically: "/app/link/.." where
  // link -> /proc/self/fd/7 is /proc/self/fd.
  const inRoot = path.relative(rootfs, resolveInRoot(rootfs, cwd));
  if (inRoot.split(path.sep)[0] === 'proc') {
    throw new InvalidArgumentError(`the working directory '${cwd}' is invalid: it is inside /proc`);
  }
  return cwd;
}
