import { NotImplementedError } from '../../lib/errors/index.js';
import type { LogEntry, LogReadOptions } from '../../runtime/types.js';
import type { ContainerContext } from './context.js';
import { isActive } from './model.js';

/** What a client asks of a log; when the container stops (for follow) the engine knows. */
export type ContainerLogsOptions = Omit<LogReadOptions, 'stopped'>;

/** The container's log entries; with follow, ends when the container stops. */
export function containerLogs(c: ContainerContext, ref: string, opts: ContainerLogsOptions): { tty: boolean; entries: AsyncIterable<LogEntry> } {
  const rec = c.deps.store.get(ref);
  if (rec.hostConfig.LogConfig?.Type === 'none') throw new NotImplementedError('configured logging driver does not support reading');
  const stopped = opts.follow
    ? isActive(rec.state) ? c.waiters.add(rec.id, 'next-exit', opts.signal).then(() => {}) : Promise.resolve()
    : undefined;
  return { tty: !!rec.config.Tty, entries: c.deps.readLogs(rec.logPath, { ...opts, stopped }) };
}
