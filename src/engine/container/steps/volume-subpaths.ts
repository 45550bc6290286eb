import { constants } from 'node:fs';
import { mkdir, open, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openBeneath } from '../../../sys/fsroot/index.js';
import { closeFd, fstatFd, O_PATH } from '../../../sys/fsroot/root.js';
import { bindMountFd, unmount } from '../../../sys/mount.js';
import type { StartStep } from './types.js';

/**
 * `--mount type=volume,volume-subpath=…` (API 1.45): the container gets one directory (or file)
 * of the volume instead of all of it. The path is resolved below the volume's data directory,
 * following only symlinks that stay inside it (a symlink out of the volume, or "..", is refused),
 * and the descriptor found is bind-mounted onto a pin under `<dir>/<container id>/`; the runtime
 * mounts the pin, never the path, so a container that shares the volume and swaps a component
 * for a symlink after the check cannot steer the mount to a host directory. The pins stay until
 * the container stops. Runs after the mounts step, whose spec mounts it rewrites in place.
 */
export function volumeSubpathsStep(dir: string, log: (msg: string) => void = () => {}): StartStep {
  const pinsOf = (id: string): string => join(dir, id);
  const undo = async (id: string): Promise<void> => {
    const pins = pinsOf(id);
    const names = await readdir(pins).catch(() => [] as string[]);
    for (const name of names) {
      const pin = join(pins, name);
      try {
        await unmount(pin);
        await rm(pin, { force: true, recursive: false }).catch(() => rmdir(pin));
      } catch (err) {
        log(`releasing volume subpath pin ${pin}: ${(err as Error).message}`);
      }
    }
    await rmdir(pins).catch(() => undefined);
  };
  return {
    name: 'volume-subpaths',
    async apply(ctx) {
      const wanted = ctx.rec.mounts.map((m, i) => ({ m, i })).filter(({ m }) => m.type === 'volume' && !!m.subpath);
      if (wanted.length === 0) return;
      await undo(ctx.rec.id); // pins a crash left behind
      try {
        for (const { m, i } of wanted) {
          const spec = ctx.mounts[i];
          if (!spec || spec.destination !== m.destination) throw new Error(`volume subpath: the mount of ${m.destination} is not where it was expected`);
          spec.source = await pin(spec.source, m.subpath!, join(pinsOf(ctx.rec.id), String(i)));
        }
      } catch (err) {
        await undo(ctx.rec.id);
        throw err;
      }
    },
    undo: (rec) => undo(rec.id),
  };
}

async function pin(volumeDir: string, subpath: string, target: string): Promise<string> {
  const fd = openBeneath(volumeDir, subpath, O_PATH());
  try {
    const st = await fstatFd(fd);
    await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
    if (st.isDirectory()) await mkdir(target, { mode: 0o700 });
    else await (await open(target, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600)).close();
    await bindMountFd(fd, target);
    return target;
  } finally {
    closeFd(fd);
  }
}
