import type { Readable } from 'node:stream';
import type { CreateImageProgress } from '../api/image.js';
import { InternalError } from '../lib/errors/index.js';
import { jsonLines, type EngineClient } from './transport.js';

/** Options of {@link imageCreate} for an import from a tarball. */
export interface ImageImportOptions {
  /** The rootfs tarball (possibly compressed), streamed as the request body, or a URL the daemon fetches. */
  source: Readable | URL;
  repo?: string;
  tag?: string;
  /** Dockerfile instructions to apply (`--change`). */
  changes?: string[];
  message?: string;
  platform?: string;
}

/**
 * Imports an image from a tarball (`POST /images/create?fromSrc=-`, or `fromSrc=<url>` for the
 * daemon to download) and returns the id the
 * daemon reports in its last progress message.
 * @throws {InternalError} when the progress stream carries an error.
 */
export async function imageCreate(client: EngineClient, options: ImageImportOptions): Promise<string> {
  const res = await client.request({
    method: 'POST',
    path: '/images/create',
    query: {
      fromSrc: options.source instanceof URL ? options.source.href : '-',
      repo: options.repo,
      tag: options.tag,
      changes: options.changes && options.changes.length ? options.changes : undefined,
      message: options.message,
      platform: options.platform,
    },
    headers: { 'Content-Type': 'application/x-tar' },
    body: options.source instanceof URL ? undefined : options.source,
  });
  let last = '';
  for await (const msg of jsonLines<CreateImageProgress>(res)) {
    if (msg.error || msg.errorDetail?.message) throw new InternalError(msg.errorDetail?.message ?? msg.error ?? 'import failed');
    if (msg.status) last = msg.status.trim();
  }
  return last;
}

/** Options of {@link imageCreateFromImage}. */
export interface ImagePullOptions {
  fromImage: string;
  tag?: string;
  platform?: string;
  /** X-Registry-Auth: base64url of the registry's AuthConfig JSON. */
  registryAuth?: string;
}

/**
 * Pulls an image from a registry (`POST /images/create?fromImage=`), yielding each progress
 * message as the daemon sends it.
 * @throws {InternalError} when the stream reports an error (registries unreachable, unknown image).
 */
export async function* imageCreateFromImage(client: EngineClient, options: ImagePullOptions): AsyncGenerator<CreateImageProgress> {
  const res = await client.request({
    method: 'POST',
    path: '/images/create',
    query: { fromImage: options.fromImage, tag: options.tag, platform: options.platform },
    ...(options.registryAuth ? { headers: { 'X-Registry-Auth': options.registryAuth } } : {}),
  });
  for await (const msg of jsonLines<CreateImageProgress>(res)) {
    if (msg.error || msg.errorDetail?.message) throw new InternalError(msg.errorDetail?.message ?? msg.error ?? 'pull failed');
    yield msg;
  }
}
