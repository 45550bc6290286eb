import type { VolumeService } from '../../../volume/types.js';
import { prepareBindSources } from '../bind-source.js';
import type { ContainerRecord } from '../model.js';
import type { MountPoint } from '../mounts.js';
import { specMountOf } from '../mounts.js';
import { copyUpIntoVolume } from '../volume-copy.js';
import type { StartStep } from './types.js';

function volumeMounts(rec: ContainerRecord): (MountPoint & { name: string })[] {
  return rec.mounts.filter((m): m is MountPoint & { name: string } => m.type === 'volume' && !!m.name);
}

/**
 * The container's binds, volumes and tmpfs mounts, as parsed at create. Each volume is made ready
 * by its driver (a local volume with -o mounts its device, a plugin Mounts) and bound from the
 * path the driver answers; at the container's first start an empty one is filled from the image
 * (unless `nocopy`), which needs the rootfs the step before mounted.
 */
export function mountsStep(volumes?: VolumeService, log: (msg: string) => void = () => {}): StartStep {
  return {
    name: 'mounts',
    async apply(ctx) {
      await prepareBindSources(ctx.rec.mounts);
      const mounts = ctx.rec.mounts.map((m) => ({ ...m }));
      const mounted: string[] = [];
      try {
        for (const m of mounts) {
          if (m.type !== 'volume' || !m.name || !volumes) continue;
          m.source = await volumes.mount(m.name, ctx.rec.id);
          mounted.push(m.name);
        }
        if (!ctx.rec.hasBeenStarted && ctx.rootfs) {
          for (const m of mounts) {
            if (m.type === 'volume' && !m.noCopy && m.source) await copyUpIntoVolume(ctx.rootfs, m.destination, m.source, m.subpath);
          }
        }
      } catch (err) {
        // A failed step is not undone by the start: the volumes this one readied are released here.
        for (const name of mounted.reverse()) await volumes!.unmount(name, ctx.rec.id).catch(() => {});
        throw err;
      }
      ctx.mounts = mounts.map(specMountOf);
    },
    async undo(rec) {
      if (!volumes) return;
      for (const m of volumeMounts(rec).reverse()) {
        await volumes.unmount(m.name, rec.id).catch((err: Error) => log(`unmounting volume ${m.name} of ${rec.id}: ${err.message}`));
      }
    },
    async adopt(rec) {
      if (!volumes) return;
      for (const m of volumeMounts(rec)) await volumes.adoptMount(m.name, rec.id);
    },
  };
}
