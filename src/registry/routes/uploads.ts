/**
 * Blob pushes: POST /v2/<name>/blobs/uploads/ (a monolithic push with ?digest=, a cross-repository
 * mount with ?mount=, or a new session) and the session at /v2/<name>/blobs/uploads/<uuid>:
 * PATCH a chunk, PUT ?digest= to finish, GET its status, DELETE to cancel.
 */
import type { ServerResponse } from 'node:http';
import type { BlobInfo, UploadStatus } from '../backend.js';
import { isDigestAlgorithm } from '../digests.js';
import { isRegistryError, registryError } from '../errors.js';
import { checkDigest, checkRepositoryName, isUploadId } from '../names.js';
import { chunkRange, hasBody } from '../request.js';
import { reply, type RouteContext } from './context.js';

function blobCreated(res: ServerResponse, name: string, blob: BlobInfo): void {
  reply(res, 201, { 'Location': `/v2/${name}/blobs/${blob.digest}`, 'Docker-Content-Digest': blob.digest });
}

/** 202 or 204 with where the session is and what it holds (Range is inclusive; "0-0" when empty). */
function uploadState(res: ServerResponse, status: number, name: string, up: UploadStatus): void {
  reply(res, status, {
    'Location': `/v2/${name}/blobs/uploads/${up.id}`,
    'Range': `0-${Math.max(up.size - 1, 0)}`,
    'Docker-Upload-UUID': up.id,
  });
}

export async function uploadStart(ctx: RouteContext): Promise<void> {
  const { store, req, res, url } = ctx;
  const name = ctx.params.name!;
  const q = url.searchParams;
  const mount = q.get('mount');
  if (mount !== null) {
    const digest = checkDigest(mount);
    const from = q.get('from') ? checkRepositoryName(q.get('from')!) : undefined;
    // A mount reads `from`: without pull access there, it is a plain upload (202), as the spec
    // lets a registry answer any mount. Without `from`, the registry looks for the blob anywhere
    // (automatic content discovery) only when every repository is readable to everyone;
    // otherwise only in the target repository itself, so no blob leaks across repositories.
    const source = from ?? (ctx.grant.unrestricted ? undefined : name);
    const blob = ctx.grant.allows(source ?? name, 'pull') ? await store.mountBlob(name, digest, source) : undefined;
    if (blob) {
      blobCreated(res, name, blob);
      return;
    }
  } else if (q.has('digest')) {
    const digest = checkDigest(q.get('digest'));
    blobCreated(res, name, await store.putBlob(name, digest, req));
    return;
  }
  const algorithm = q.get('digest-algorithm');
  if (algorithm !== null && !isDigestAlgorithm(algorithm)) {
    throw registryError('unsupported', { algorithm }, undefined, `digest algorithm not supported: ${algorithm}`);
  }
  uploadState(res, 202, name, await store.startUpload(name, algorithm ?? undefined));
}

function uploadId(ctx: RouteContext): string {
  const id = ctx.params.uuid!;
  if (!isUploadId(id)) throw registryError('blobUploadUnknown', { uuid: id });
  return id;
}

/** Adds where the session is to a 416, so the client can go on from what the registry has. */
async function locatingRangeErrors<T>(name: string, id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isRegistryError(err) && err.headers && 'Range' in err.headers) {
      err.headers['Location'] = `/v2/${name}/blobs/uploads/${id}`;
      err.headers['Docker-Upload-UUID'] = id;
    }
    throw err;
  }
}

export async function uploadChunk(ctx: RouteContext): Promise<void> {
  const { store, req, res, params } = ctx;
  const name = params.name!;
  const id = uploadId(ctx);
  const range = chunkRange(req);
  uploadState(res, 202, name, await locatingRangeErrors(name, id, () => store.appendUpload(name, id, req, range)));
}

export async function uploadFinish(ctx: RouteContext): Promise<void> {
  const { store, req, res, url, params } = ctx;
  const id = uploadId(ctx);
  const digest = checkDigest(url.searchParams.get('digest'));
  const body = hasBody(req) ? req : undefined;
  const range = body ? chunkRange(req) : undefined;
  const name = params.name!;
  blobCreated(res, name, await locatingRangeErrors(name, id, () => store.finishUpload(name, id, digest, body, range)));
}

export async function uploadGet(ctx: RouteContext): Promise<void> {
  const id = uploadId(ctx);
  uploadState(ctx.res, 204, ctx.params.name!, await ctx.store.uploadStatus(ctx.params.name!, id));
}

export async function uploadCancel(ctx: RouteContext): Promise<void> {
  const id = uploadId(ctx);
  await ctx.store.cancelUpload(ctx.params.name!, id);
  reply(ctx.res, 204, {});
}
