import { specMountOf } from '../mounts.js';
import { copyUpIntoVolume } from '../volume-copy.js';
import type { StartStep } from './types.js';

/**
 * The container's binds, volumes and tmpfs mounts, as parsed at create. A volume is a bind of its
 * `_data` directory; at the container's first start an empty one is filled from the image (unless
 * `nocopy`), which needs the rootfs the step before mounted.
 */
export function mountsStep(): StartStep {
  return {
    name: 'mounts',
    async apply(ctx) {
      if (!ctx.rec.hasBeenStarted && ctx.rootfs) {
        for (const m of ctx.rec.mounts) {
          if (m.type === 'volume' && !m.noCopy && m.source) await copyUpIntoVolume(ctx.rootfs, m.destination, m.source);
        }
      }
      ctx.mounts = ctx.rec.mounts.map(specMountOf);
    },
    async undo() {},
  };
}
