import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { ContainerNotRunningError } from './errors.js';
import { hasProcess } from './model.js';

export async function containerTop(c: ContainerContext, ref: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
  const rec = c.deps.store.get(ref);
  if (!hasProcess(rec.state)) throw new ContainerNotRunningError(rec.id);
  const out = await c.deps.runtime.top(rec.id, psArgs);
  c.deps.events.container(rec, 'top');
  return out;
}

export async function containerResize(c: ContainerContext, ref: string, height: number, width: number): Promise<void> {
  const rec = c.deps.store.get(ref);
  if (!hasProcess(rec.state)) throw new ContainerNotRunningError(rec.id);
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0) throw new InvalidArgumentError('invalid terminal size');
  if (rec.config.Tty) await c.deps.runtime.resize(rec.id, height, width);
  c.deps.events.container(rec, 'resize', { height: String(height), width: String(width) });
}
