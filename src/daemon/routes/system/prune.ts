import type { Router } from '../../server/router.js';
import { checkFilterKeys, filtersParam } from '../../server/context.js';
import { sendJson } from '../../server/respond.js';
import type { VolumePruneResponse } from '../../../api/volume.js';
import type { BuildCachePruneResponse } from '../../../api/build.js';

/**
 * The prune endpoints of subsystems berth does not have yet (volumes, build cache; networks
 * have their own routes in routes/network).
 * `docker system prune` calls each of them and fails on the first error, so each answers
 * with an empty report in Docker's shape, after checking its filters as Docker does. The
 * subsystem's own routes replace these when it arrives.
 */
export function addPendingPruneRoutes(r: Router): void {
  r.add('POST', '/volumes/prune', async (ctx) => {
    checkFilterKeys(filtersParam(ctx.query), ['label', 'label!', 'all']);
    const out: VolumePruneResponse = { VolumesDeleted: null, SpaceReclaimed: 0 };
    sendJson(ctx, 200, out);
  });
  r.add('POST', '/build/prune', async (ctx) => {
    // label filters come from `docker system prune --filter label=…`, which sends one set to every prune.
    checkFilterKeys(filtersParam(ctx.query), ['until', 'unused-for', 'id', 'parent', 'type', 'description', 'inuse', 'shared', 'private', 'label', 'label!']);
    const out: BuildCachePruneResponse = { CachesDeleted: null, SpaceReclaimed: 0 };
    sendJson(ctx, 200, out);
  });
}
