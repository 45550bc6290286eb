import { messageOf } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { isActive, type ContainerRecord } from './model.js';
import { containerRemove } from './remove.js';

/** Bytes written in the container's own layer (SizeRw); 0 when unknown. */
export function containerSizeRw(c: ContainerContext, id: string): Promise<number> {
  return c.deps.snapshotter.usage(id).catch(() => 0);
}

/** Removes stopped containers that `keep` does not keep. */
export async function containerPrune(c: ContainerContext, keep: (rec: ContainerRecord) => boolean): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  const deleted: string[] = [];
  let space = 0;
  for (const rec of c.deps.store.list()) {
    if (isActive(rec.state) || rec.state.status === 'removing' || keep(rec)) continue;
    const size = await containerSizeRw(c, rec.id);
    try {
      await containerRemove(c, rec.id, {});
      deleted.push(rec.id);
      space += size;
    } catch (err) {
      c.deps.log(`prune ${rec.id}: ${messageOf(err)}`);
    }
  }
  c.deps.events.object('container', 'prune', { ID: '', Attributes: { reclaimed: String(space) } });
  return { ContainersDeleted: deleted, SpaceReclaimed: space };
}
