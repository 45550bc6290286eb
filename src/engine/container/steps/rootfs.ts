import type { Snapshotter } from '../../../snapshot/types.js';
import type { StartStep } from './types.js';

/** Mounts the container's snapshot (image layers plus its own upper dir) as its rootfs. */
export function rootfsStep(snapshotter: Pick<Snapshotter, 'mount' | 'unmount'>): StartStep {
  return {
    name: 'rootfs',
    async apply(ctx) {
      ctx.rootfs = await snapshotter.mount(ctx.rec.id);
    },
    undo: (rec) => snapshotter.unmount(rec.id),
  };
}
