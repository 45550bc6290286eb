import type { EventMessage } from '../../../api/event.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import { parseTimestamp, timestampMs } from '../../../lib/time/timestamp.js';
import { filtersParam, type RequestContext } from '../../server/context.js';
import { need } from '../../server/respond.js';
import type { SystemBackend } from './backend.js';

/** Bytes of events a client may leave unread before its stream is ended. */
const EVENTS_BACKLOG_MAX = 1024 * 1024;
/** How long an ended stream's unread events are kept for a client that might still read them. */
const EVENTS_LINGER_MS = 60_000;

/**
 * `since`/`until` in milliseconds. The docker CLI sends unix seconds with a fraction; curl
 * users and other clients may send what `docker events --since` takes (a duration, RFC 3339).
 */
function eventTime(q: URLSearchParams, name: string, nowMs: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  return timestampMs(parseTimestamp(v, nowMs));
}

/**
 * `GET /events`: the history since `since`, then live events until `until` or the client
 * leaves. An `until` in the past answers with the history alone.
 */
export async function getEvents(ctx: RequestContext, b: SystemBackend): Promise<void> {
  const q = ctx.query;
  const now = Date.now();
  const since = eventTime(q, 'since', now);
  const until = eventTime(q, 'until', now);
  if (since !== undefined && until !== undefined && until < since) {
    throw new InvalidArgumentError(`\`since\` time (${q.get('since')}) cannot be after \`until\` time (${q.get('until')})`);
  }
  const match = b.eventFilter(filtersParam(q));
  const res = need(ctx);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  await new Promise<void>((resolve) => {
    let stopped = false;
    let unsubscribe = (): void => {};
    let lingering: NodeJS.Timeout | undefined;
    let ending: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      clearTimeout(ending);
      unsubscribe();
      res.end();
      resolve();
    };
    const deliver = (e: EventMessage): void => {
      if (stopped || (until !== undefined && e.timeNano / 1e6 > until)) return;
      if (!match(e)) return;
      const line = `${JSON.stringify(e)}\n`;
      // A subscriber that does not read keeps at most EVENTS_BACKLOG_MAX bytes of whole events
      // waiting; the next event that would pass it cuts the stream instead. The client still
      // reads every whole event queued, then the connection closes without the response's
      // final chunk: an error to the client (docker events exits 1), never a quiet normal end
      // that would leave a watcher believing it saw everything. It can reconnect with `since`.
      if (res.writableLength + line.length > EVENTS_BACKLOG_MAX) {
        stopped = true;
        clearTimeout(ending);
        unsubscribe();
        const cut = (): void => {
          clearTimeout(lingering);
          res.destroy();
          resolve();
        };
        res.once('drain', cut);
        res.once('close', cut);
        lingering = setTimeout(cut, EVENTS_LINGER_MS).unref();
        return;
      }
      res.write(line);
    };
    // The bus replays history at or after `since` in seconds.
    unsubscribe = b.subscribeEvents(deliver, since === undefined ? undefined : since / 1000);
    if (stopped) unsubscribe();
    ctx.signal.addEventListener('abort', stop, { once: true });
    if (until !== undefined) ending = setTimeout(stop, Math.max(0, until - Date.now()));
  });
}
