import type { Router } from '../../server/router.js';
import { readJson, checkJsonContentType, boolParam, intParam, filtersParam, checkFilterKeys, type RequestContext } from '../../server/context.js';
import { sendEmpty, sendJson, need } from '../../server/respond.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import { apiBefore } from '../../../api/version.js';
import type { ContainerBackend } from './backend.js';
import type { ContainerCreateRequest } from '../../../api/container.js';

const LIST_FILTERS = ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'];
const PRUNE_FILTERS = ['until', 'label', 'label!'];

function stopOpts(ctx: RequestContext): { signal?: string; timeout?: number } {
  return { signal: ctx.query.get('signal') || undefined, timeout: intParam(ctx.query, 't') };
}

/** Whether a create body mounts a volume subpath, which older clients cannot have meant. */
function asksVolumeSubpath(body: object): boolean {
  const mounts = (body as { HostConfig?: { Mounts?: unknown } }).HostConfig?.Mounts;
  return Array.isArray(mounts) && mounts.some((m) => !!(m as { VolumeOptions?: { Subpath?: unknown } } | null)?.VolumeOptions?.Subpath);
}

/** Whether a create body forces recursive read-only binds (API 1.44). */
function forcesRecursiveReadOnly(body: object): boolean {
  const mounts = (body as { HostConfig?: { Mounts?: unknown } }).HostConfig?.Mounts;
  return Array.isArray(mounts) && mounts.some((m) => (m as { BindOptions?: { ReadOnlyForceRecursive?: unknown } } | null)?.BindOptions?.ReadOnlyForceRecursive === true);
}

/** Container life-cycle routes: create, list, inspect, start/stop/kill/…, remove, wait, prune. */
export function addLifecycleRoutes(r: Router, b: ContainerBackend): void {
  r.add('POST', '/containers/create', async (ctx) => {
    checkJsonContentType(ctx);
    const body = await readJson(ctx);
    if (body === undefined) throw new InvalidArgumentError('invalid JSON: EOF');
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidArgumentError('config cannot be empty in order to create a container');
    }
    if (apiBefore(ctx.apiVersion, '1.45') && asksVolumeSubpath(body)) throw new InvalidArgumentError('VolumeOptions.Subpath needs API v1.45 or newer');
    // An older client cannot mean this field (API 1.44): refused rather than ignored, as Docker does.
    if (apiBefore(ctx.apiVersion, '1.44') && forcesRecursiveReadOnly(body)) throw new InvalidArgumentError('BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
    const name = ctx.query.get('name') ?? undefined;
    sendJson(ctx, 201, await b.containerCreate(body as ContainerCreateRequest, name || undefined, ctx.query.get('platform') || undefined));
  });

  r.add('GET', '/containers/json', async (ctx) => {
    const filters = filtersParam(ctx.query);
    checkFilterKeys(filters, LIST_FILTERS);
    const limit = intParam(ctx.query, 'limit');
    sendJson(ctx, 200, await b.containerList({ all: boolParam(ctx.query, 'all'), limit: limit && limit > 0 ? limit : undefined, size: boolParam(ctx.query, 'size'), filters }));
  });

  r.add('GET', '/containers/{id}/json', async (ctx) => {
    sendJson(ctx, 200, await b.containerInspect(ctx.params.id!, { size: boolParam(ctx.query, 'size'), apiVersion: ctx.apiVersion }));
  });

  r.add('POST', '/containers/{id}/start', async (ctx) => {
    await b.containerStart(ctx.params.id!);
    sendEmpty(ctx);
  });
  r.add('POST', '/containers/{id}/stop', async (ctx) => {
    await b.containerStop(ctx.params.id!, stopOpts(ctx));
    sendEmpty(ctx);
  });
  r.add('POST', '/containers/{id}/restart', async (ctx) => {
    await b.containerRestart(ctx.params.id!, stopOpts(ctx));
    sendEmpty(ctx);
  });
  r.add('POST', '/containers/{id}/kill', async (ctx) => {
    await b.containerKill(ctx.params.id!, ctx.query.get('signal') || undefined);
    sendEmpty(ctx);
  });
  r.add('POST', '/containers/{id}/pause', async (ctx) => {
    await b.containerPause(ctx.params.id!);
    sendEmpty(ctx);
  });
  r.add('POST', '/containers/{id}/unpause', async (ctx) => {
    await b.containerUnpause(ctx.params.id!);
    sendEmpty(ctx);
  });
  r.add('POST', '/containers/{id}/rename', async (ctx) => {
    await b.containerRename(ctx.params.id!, ctx.query.get('name') ?? '');
    sendEmpty(ctx);
  });
  r.add('DELETE', '/containers/{id}', async (ctx) => {
    if (boolParam(ctx.query, 'link')) throw new InvalidArgumentError('links are not supported');
    await b.containerDelete(ctx.params.id!, { force: boolParam(ctx.query, 'force'), volumes: boolParam(ctx.query, 'v') });
    sendEmpty(ctx);
  });
  r.add('POST', '/containers/{id}/resize', async (ctx) => {
    await b.containerResize(ctx.params.id!, intParam(ctx.query, 'h') ?? 0, intParam(ctx.query, 'w') ?? 0);
    sendEmpty(ctx, 200);
  });
  r.add('GET', '/containers/{id}/top', async (ctx) => {
    sendJson(ctx, 200, await b.containerTop(ctx.params.id!, ctx.query.get('ps_args') || undefined));
  });
  r.add('POST', '/containers/prune', async (ctx) => {
    const filters = filtersParam(ctx.query);
    checkFilterKeys(filters, PRUNE_FILTERS);
    sendJson(ctx, 200, await b.containerPrune(filters));
  });

  r.add('POST', '/containers/{id}/wait', async (ctx) => {
    const cond = ctx.query.get('condition') || 'not-running';
    if (cond !== 'not-running' && cond !== 'next-exit' && cond !== 'removed') {
      throw new InvalidArgumentError(`invalid condition: "${cond}"`);
    }
    // Register the wait before answering, then commit the headers so the client knows it is
    // registered (docker run starts the container only after that).
    const result = b.containerWait(ctx.params.id!, cond, ctx.signal);
    const res = need(ctx);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const aborted = new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    const r = await Promise.race([result, aborted]);
    if (r) res.end(JSON.stringify(r));
  });
}
