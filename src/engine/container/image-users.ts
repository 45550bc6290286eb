import type { ContainerContext } from './context.js';
import { isActive } from './model.js';

/** Containers (by id) that use an image, plus creates still in progress, so rmi can refuse. */
export function imageUsers(c: ContainerContext, imageId: string, runningOnly = false): string[] {
  const users = c.deps.store.list().filter((r) => r.imageId === imageId && (!runningOnly || isActive(r.state))).map((r) => r.id);
  if (!runningOnly && c.creating.has(imageId)) users.push('(a container being created)');
  return users;
}
