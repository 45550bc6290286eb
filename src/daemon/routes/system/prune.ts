import type { Router } from '../../server/router.js';
import { checkFilterKeys, filtersParam } from '../../server/context.js';
import { sendJson } from '../../server/respond.js';
import type { BuildCachePruneResponse } from '../../../api/build.js';

/**
 * The prune endpoints of subsystems berth does not have yet (build cache; networks and volumes
 * have their own routes).
 * `docker system prune` calls each of them and fails on the first error, so each answers
 * with an empty report in Docker's shape, after checking its filters as Docker does. The
 * subsystem's own routes replace these when it arrives.
 */
export function addPendingPruneRoutes(r: Router): void {
  r.add('POST', '/build/prune', async (ctx) => {
    // label filters come from `docker system prune --filter label=…`, which sends one set to every prune.
    checkFilterKeys(filtersParam(ctx.query), ['until', 'unused-for', 'id', 'parent', 'type', 'description', 'inuse', 'shared', 'private', 'label', 'label!']);
    const out: BuildCachePruneResponse = { CachesDeleted: null, SpaceReclaimed: 0 };
    sendJson(ctx, 200, out);
  });
}
