import { cpus } from 'node:os';
import type { ContainerUpdateRequest, ContainerUpdateResponse } from '../../api/stats.js';
import { errorOfKind, kindOf, messageOf } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { hasProcess } from './model.js';
import { planUpdate } from './update-rules.js';

/**
 * `POST /containers/{id}/update`: new limits go to the live cgroup first (a refusal by the
 * kernel or the runtime then changes nothing), and are stored on the record so the next start
 * uses them. A container that is not running only has its stored config changed.
 * @throws {NotFoundError} when no container matches `ref`.
 * @throws {InvalidArgumentError} for bad values; {ConflictError} for values that clash with the current ones.
 */
export async function containerUpdate(c: ContainerContext, ref: string, req: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
  const id = c.deps.store.get(ref).id;
  return c.locks.run(id, async () => {
    const rec = c.deps.store.get(id);
    const plan = planUpdate(id, rec.hostConfig, req ?? {}, {
      cpus: cpus().length,
      blkioWeightSupported: c.deps.stats?.blkioWeightSupported ?? false,
    });
    if (hasProcess(rec.state) && Object.keys(plan.resources).length > 0 && c.deps.resourceUpdater) {
      try {
        await c.deps.resourceUpdater.updateResources(id, plan.resources);
      } catch (err) {
        throw errorOfKind(kindOf(err), `Cannot update container ${id}: ${messageOf(err)}`, err);
      }
    }
    const before = rec.hostConfig;
    rec.hostConfig = { ...rec.hostConfig, ...plan.hostConfig };
    try {
      await c.deps.store.save(rec);
    } catch (err) {
      rec.hostConfig = before;
      throw err;
    }
    c.deps.events.container(rec, 'update');
    return { Warnings: plan.warnings.length > 0 ? plan.warnings : null };
  });
}
