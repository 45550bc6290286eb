import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { SpecInput } from '../types.js';
import { kernelOf } from './seccomp-profile.js';

type Mounts = NonNullable<SpecInput['mounts']>;

/**
 * Why `rro` (mount_setattr with AT_RECURSIVE, so that the submounts of a read-only bind are
 * read-only too) cannot be had here, or undefined when it can: the kernel must be 5.12 or later and
 * the runtime must list `rro` among the mount options of its `features` (runc 1.1 and later do;
 * a runtime without `features` is taken not to, as Docker does).
 */
export function recursiveReadOnlyGap(opts: { kernelRelease: string; runtime: string; mountOptions: readonly string[] | undefined }): string | undefined {
  const [major, minor] = kernelOf(opts.kernelRelease);
  if (major < 5 || (major === 5 && minor < 12)) return `rro is not supported: kernel ${opts.kernelRelease} is older than 5.12`;
  if (opts.mountOptions === undefined) return `rro is not supported by runtime "${opts.runtime}": OCI features struct is not available`;
  if (!opts.mountOptions.includes('rro')) return `rro is not supported by runtime "${opts.runtime}"`;
  return undefined;
}

/** Whether any mount asks for `rro`, so that the caller only learns the runtime's features when needed. */
export function wantsRecursiveReadOnly(mounts: Mounts | undefined): boolean {
  return (mounts ?? []).some((m) => m.options.includes('rro'));
}

/**
 * The mounts as the runtime can take them: with a `gap` (see {@link recursiveReadOnlyGap}) each
 * `rro` becomes a plain `ro` (Docker's bind-recursive=enabled: best effort), except on a mount that
 * forces it (bind-recursive=readonly), which fails the start with the reason.
 * @throws {InvalidArgumentError} when a mount forces recursive read-only and there is a gap
 */
export function withRecursiveReadOnly(mounts: Mounts | undefined, gap: string | undefined): Mounts | undefined {
  if (!mounts || gap === undefined) return mounts;
  return mounts.map((m) => {
    if (!m.options.includes('rro')) return m;
    if (m.forceRecursiveReadOnly) throw new InvalidArgumentError(gap);
    return { ...m, options: m.options.map((o) => (o === 'rro' ? 'ro' : o)) };
  });
}
