import type { LogEntry } from '../../runtime/types.js';
import type { ContainerContext } from './context.js';
import { isActive } from './model.js';

export interface ContainerLogsOptions {
  follow?: boolean;
  tail?: number;
  since?: number;
  until?: number;
  stdout?: boolean;
  stderr?: boolean;
  signal?: AbortSignal;
}

/** The container's log entries; with follow, ends when the container stops. */
export function containerLogs(c: ContainerContext, ref: string, opts: ContainerLogsOptions): { tty: boolean; entries: AsyncIterable<LogEntry> } {
  const rec = c.deps.store.get(ref);
  const stopped = opts.follow
    ? isActive(rec.state) ? c.waiters.add(rec.id, 'next-exit', opts.signal).then(() => {}) : Promise.resolve()
    : undefined;
  return { tty: !!rec.config.Tty, entries: c.deps.readLogs(rec.logPath, { ...opts, stopped }) };
}
