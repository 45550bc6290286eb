/** Manifests and indexes: GET/HEAD/PUT/DELETE of /v2/<name>/manifests/<tag-or-digest>. */
import { algorithmOf, digestOf } from '../digests.js';
import { registryError } from '../errors.js';
import { parseManifest, referrerDescriptor } from '../manifest.js';
import { checkDigest, isDigestReference, isTag } from '../names.js';
import { readBoundedBody } from '../request.js';
import { reply, type RouteContext } from './context.js';

/** A tag or a digest, checked; a malformed tag is unknown on reads and invalid on writes. */
function reference(ctx: RouteContext, forWrite: boolean): string {
  const ref = ctx.params.reference!;
  if (isDigestReference(ref)) return checkDigest(ref);
  if (!isTag(ref)) {
    throw registryError(forWrite ? 'manifestInvalid' : 'manifestUnknown', { reference: ref }, undefined, `invalid tag ${JSON.stringify(ref)}`);
  }
  return ref;
}

export async function manifestGet(ctx: RouteContext): Promise<void> {
  const { store, res, params } = ctx;
  const name = params.name!;
  const ref = reference(ctx, false);
  const m = await store.statManifest(name, ref);
  if (!m) {
    if (!(await store.repositoryExists(name))) throw registryError('nameUnknown', { name });
    throw registryError('manifestUnknown', { name, reference: ref });
  }
  const headers = { 'Content-Type': m.mediaType, 'Docker-Content-Digest': m.digest, 'ETag': `"${m.digest}"` };
  if (ctx.req.method === 'HEAD') {
    reply(res, 200, { ...headers, 'Content-Length': m.size });
    return;
  }
  reply(res, 200, headers, await store.readManifest(name, m.digest));
}

export async function manifestPut(ctx: RouteContext): Promise<void> {
  const { store, req, res, url, params } = ctx;
  const name = params.name!;
  const ref = reference(ctx, true);
  const content = await readBoundedBody(req, ctx.limits.manifestBytes);
  // A push by digest is stored under the algorithm it names (sha512 too); a push by tag under sha256.
  const digest = digestOf(isDigestReference(ref) ? algorithmOf(ref) : 'sha256', content);
  const tags: string[] = [];
  if (isDigestReference(ref)) {
    if (ref !== digest) throw registryError('digestInvalid', { expected: ref, actual: digest });
    for (const t of url.searchParams.getAll('tag')) {
      if (!isTag(t)) throw registryError('manifestInvalid', { tag: t }, undefined, `invalid tag ${JSON.stringify(t)}`);
      tags.push(t);
    }
  } else {
    tags.push(ref);
  }
  const contentType = req.headers['content-type']?.split(';')[0]!.trim() || undefined;
  const parsed = parseManifest(content, contentType);
  await store.putManifest(name, {
    digest,
    mediaType: parsed.mediaType,
    content,
    tags,
    blobs: parsed.blobs,
    manifests: parsed.manifests,
    referrer: parsed.subject !== undefined ? { subject: parsed.subject, descriptor: referrerDescriptor(parsed, digest, content.length) } : undefined,
  });
  const headers: Record<string, string | string[]> = { 'Location': `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest };
  if (parsed.subject !== undefined) headers['OCI-Subject'] = parsed.subject;
  if (isDigestReference(ref) && tags.length > 0) headers['OCI-Tag'] = tags;
  reply(res, 201, headers);
}

export async function manifestDelete(ctx: RouteContext): Promise<void> {
  const name = ctx.params.name!;
  const ref = reference(ctx, false);
  if (!(await ctx.store.repositoryExists(name))) throw registryError('nameUnknown', { name });
  await ctx.store.deleteManifest(name, ref);
  reply(ctx.res, 202, {});
}
