import type { Router } from '../../server/router.js';
import { checkFilterKeys, filtersParam, type RequestContext } from '../../server/context.js';
import { sendJson, need } from '../../server/respond.js';
import { API_VERSION } from '../../../api/version.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { SystemBackend } from './backend.js';

function ping(ctx: RequestContext): void {
  const res = need(ctx);
  res.writeHead(200, {
    'API-Version': API_VERSION,
    'OSType': 'linux',
    'Builder-Version': '1',
    'Docker-Experimental': 'false',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    'Pragma': 'no-cache',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': ctx.req.method === 'HEAD' ? '0' : '2',
  });
  res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
}

/** `since`/`until` of /events: unix seconds, possibly fractional. */
function eventTime(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

export function addSystemRoutes(r: Router, b: SystemBackend): void {
  r.add('GET', '/_ping', async (ctx) => ping(ctx));
  r.add('HEAD', '/_ping', async (ctx) => ping(ctx));
  r.add('GET', '/version', async (ctx) => sendJson(ctx, 200, b.systemVersion()));
  r.add('GET', '/info', async (ctx) => sendJson(ctx, 200, await b.systemInfo(ctx.apiVersion)));
  r.add('GET', '/system/df', async (ctx) => sendJson(ctx, 200, await b.systemDataUsage(ctx.apiVersion)));
  r.add('GET', '/events', async (ctx) => {
    const q = ctx.query;
    const since = eventTime(q, 'since');
    const until = eventTime(q, 'until');
    if (since !== undefined && until !== undefined && until < since) throw new InvalidArgumentError('`since` time must be before `until` time');
    const f = filtersParam(q);
    checkFilterKeys(f, ['container', 'event', 'image', 'label', 'type', 'daemon', 'network', 'volume', 'plugin', 'node', 'service', 'secret', 'config', 'scope']);
    const res = need(ctx);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    await new Promise<void>((resolve) => {
      const match = (e: { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> } }): boolean => {
        if (f.has('type') && !f.get('type')!.includes(e.Type)) return false;
        if (f.has('event') && !f.get('event')!.includes(e.Action)) return false;
        if (f.has('container') && !(e.Type === 'container' && f.get('container')!.some((c) => e.Actor.ID.startsWith(c) || e.Actor.Attributes.name === c))) return false;
        if (f.has('image') && !f.get('image')!.some((i) => e.Actor.Attributes.image === i || (e.Type === 'image' && e.Actor.ID === i))) return false;
        if (f.has('label') && !f.get('label')!.every((l) => {
          const [k, v] = l.split(/=(.*)/s);
          return v === undefined ? k! in e.Actor.Attributes : e.Actor.Attributes[k!] === v;
        })) return false;
        return true;
      };
      /** Bytes of events this client may leave unread before its stream is ended. */
      const EVENTS_BACKLOG_MAX = 1024 * 1024;
      /** How long an ended stream's unread events are kept for a client that might still read them. */
      const EVENTS_LINGER_MS = 60_000;
      let stopped = false;
      let unsubscribe = (): void => {};
      let lingering: NodeJS.Timeout | undefined;
      const stop = (): void => {
        if (stopped) return;
        stopped = true;
        unsubscribe();
        res.end();
        resolve();
      };
      unsubscribe = b.subscribeEvents((e) => {
        if (stopped || (until !== undefined && e.time > until)) return;
        if (!match(e)) return;
        const line = `${JSON.stringify(e)}\n`;
        // A subscriber that does not read keeps at most EVENTS_BACKLOG_MAX bytes of whole events
        // waiting; the next event that would pass it cuts the stream instead. The client still
        // reads every whole event queued, then the connection closes without the response's
        // final chunk: an error to the client (docker events exits 1), never a quiet normal end
        // that would leave a watcher believing it saw everything. It can reconnect with `since`.
        if (res.writableLength + line.length > EVENTS_BACKLOG_MAX) {
          stopped = true;
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
      }, since);
      if (stopped) unsubscribe();
      ctx.signal.addEventListener('abort', stop, { once: true });
      if (until !== undefined) setTimeout(stop, Math.max(0, until * 1000 - Date.now()));
    });
  });
}
