import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The addon built from openat2.c. */
interface FsrootBinding {
  openat2(dirfd: number, path: string, flags: number, mode: number, resolve: number): number;
  /** Extended attributes of a path, its last component not followed. */
  lxattrs(path: string): Array<[string, Buffer]>;
  lsetxattr(path: string, name: string, value: Buffer): void;
  constants: {
    O_PATH: number;
    RESOLVE_IN_ROOT: number;
    RESOLVE_NO_MAGICLINKS: number;
    RESOLVE_NO_SYMLINKS: number;
    RESOLVE_BENEATH: number;
    RESOLVE_NO_XDEV: number;
  };
}

/** Where node-gyp puts the addon, relative to the package root (this file is dist/src/sys/fsroot/). */
const ADDON = fileURLToPath(new URL('../../../../build/Release/berth_fsroot.node', import.meta.url));

let binding: FsrootBinding | undefined;

/** Loads the addon on first use, so a daemon without it serves everything but the archive endpoints. */
export function fsroot(): FsrootBinding {
  if (!binding) {
    try {
      binding = createRequire(import.meta.url)(ADDON) as FsrootBinding;
    } catch (err) {
      throw new Error(`the fsroot addon is not built (run npm ci, or scripts/build-native.sh): ${(err as Error).message}`, { cause: err });
    }
  }
  return binding;
}
