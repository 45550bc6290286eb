import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { validateName } from './create-config.js';
import { NoSuchContainerError } from './errors.js';

export async function containerRename(c: ContainerContext, ref: string, newName: string): Promise<void> {
  const { store } = c.deps;
  const rec = store.get(ref);
  if (!newName) throw new InvalidArgumentError('Neither old nor new names may be empty');
  const name = validateName(newName);
  if (name === rec.name) throw new InvalidArgumentError('Renaming a container with the same name as its current name');
  await c.locks.run(rec.id, async () => {
    if (!store.has(rec.id)) throw new NoSuchContainerError(ref);
    store.reserveName(name, rec.id);
    const old = rec.name;
    rec.name = name;
    try {
      await store.save(rec);
    } catch (err) {
      rec.name = old;
      store.releaseName(name, rec.id);
      throw err;
    }
    store.releaseName(old, rec.id);
    c.deps.events.container(rec, 'rename', { oldName: `/${old}` });
  });
}
