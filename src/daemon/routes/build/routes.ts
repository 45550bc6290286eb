import type { Router } from '../../server/router.js';
import { boolParam, checkFilterKeys, filtersParam, type RequestContext } from '../../server/context.js';
import { need, sendJson } from '../../server/respond.js';
import { InvalidArgumentError, messageOf, NotImplementedError } from '../../../lib/errors/index.js';
import type { BuildOptions } from '../../../api/build.js';
import type { BuildRouteBackend, BuildStreamMessage } from './backend.js';

/** Filters `docker builder prune` and `docker system prune` may send. */
const PRUNE_FILTERS = ['until', 'unused-for', 'id', 'parent', 'type', 'description', 'inuse', 'shared', 'private', 'label', 'label!'];

export function addBuildRoutes(r: Router, b: BuildRouteBackend): void {
  r.add('POST', '/build', async (ctx) => imageBuild(ctx, b));
  r.add('POST', '/build/prune', async (ctx) => {
    checkFilterKeys(filtersParam(ctx.query), PRUNE_FILTERS);
    sendJson(ctx, 200, await b.buildPrune({ all: boolParam(ctx.query, 'all') }));
  });
}

/** A JSON object of strings from a query parameter (`buildargs`, `labels`). */
function jsonMap(q: URLSearchParams, name: string, allowNull: boolean): Record<string, string | null> {
  const raw = q.get(name);
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new InvalidArgumentError(`invalid ${name}: ${messageOf(err)}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError(`invalid ${name}: not a JSON object`);
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v === 'string' || (allowNull && v === null)) out[k] = v;
    else throw new InvalidArgumentError(`invalid ${name}: the value of ${JSON.stringify(k)} is not a string`);
  }
  return out;
}

/** Reads the query the docker CLI sends; parameters that do not apply to this builder are ignored. */
export function buildRequest(ctx: RequestContext): BuildOptions {
  const q = ctx.query;
  if (q.get('remote')) throw new NotImplementedError('building from a remote context (git or tarball URL) is not supported yet');
  if (boolParam(q, 'squash')) throw new InvalidArgumentError('squash is only supported with experimental mode');
  if (q.get('version') === '2') throw new InvalidArgumentError('BuildKit is not supported by this daemon: build with DOCKER_BUILDKIT=0 docker build or berth build');
  const network = q.get('networkmode') ?? '';
  const header = ctx.req.headers['x-registry-auth'];
  return {
    tags: q.getAll('t').filter(Boolean),
    dockerfile: q.get('dockerfile') || 'Dockerfile',
    buildArgs: jsonMap(q, 'buildargs', true),
    target: q.get('target') || undefined,
    noCache: boolParam(q, 'nocache'),
    pull: boolParam(q, 'pull'),
    rm: boolParam(q, 'rm', true) || boolParam(q, 'forcerm'),
    quiet: boolParam(q, 'q'),
    labels: jsonMap(q, 'labels', false) as Record<string, string>,
    networkMode: network === '' || network === 'default' ? 'bridge' : network,
    auth: (Array.isArray(header) ? header[0] : header) || undefined,
    signal: ctx.signal,
  };
}

/**
 * `POST /build`: the context and Dockerfile are checked before the answer starts (so they get
 * a status), then the classic builder's JSON stream follows; an error after that is told in
 * the stream, with the exit code of a failed RUN for the client to exit with.
 */
async function imageBuild(ctx: RequestContext, b: BuildRouteBackend): Promise<void> {
  const req = buildRequest(ctx);
  const prepared = await b.imageBuild(ctx.req, req);
  const res = need(ctx);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const send = (m: BuildStreamMessage): void => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(m)}\r\n`);
  };
  try {
    await prepared.run(send);
  } catch (err) {
    const message = messageOf(err);
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    send({ errorDetail: { ...(typeof exitCode === 'number' ? { code: exitCode } : {}), message }, error: message });
  }
  res.end();
}
