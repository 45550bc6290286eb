import type { Readable } from 'node:stream';
import { InternalError } from '../lib/errors/index.js';
import { jsonLines, type EngineClient } from './transport.js';

/** One JSON line of the `POST /images/load` answer. */
interface LoadMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Loads images from a docker-archive or OCI layout tarball (`POST /images/load`) and yields the
 * daemon's report lines (`Loaded image: busybox:latest`).
 * @throws {InternalError} when the answer carries an error.
 */
export async function* imageLoad(client: EngineClient, source: Readable, options: { quiet?: boolean; platform?: string } = {}): AsyncGenerator<string> {
  const res = await client.request({
    method: 'POST',
    path: '/images/load',
    query: { quiet: options.quiet || undefined, platform: options.platform },
    headers: { 'Content-Type': 'application/x-tar' },
    body: source,
  });
  if (!String(res.headers['content-type'] ?? '').includes('json')) {
    // old daemons answer plain text
    for await (const chunk of res) yield (chunk as Buffer).toString('utf8');
    return;
  }
  for await (const msg of jsonLines<LoadMessage>(res)) {
    if (msg.error || msg.errorDetail?.message) throw new InternalError(msg.errorDetail?.message ?? msg.error ?? 'load failed');
    if (msg.stream) yield msg.stream;
  }
}
