import { specMountOf } from '../mounts.js';
import type { StartStep } from './types.js';

/** The container's binds and tmpfs mounts, as parsed at create. Volumes will acquire and release here. */
export function mountsStep(): StartStep {
  return {
    name: 'mounts',
    async apply(ctx) {
      ctx.mounts = ctx.rec.mounts.map(specMountOf);
    },
    async undo() {},
  };
}
