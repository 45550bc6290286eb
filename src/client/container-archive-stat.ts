import type { ContainerPathStat } from '../api/archive.js';
import { PATH_STAT_HEADER } from '../api/archive.js';
import { NotFoundError } from '../lib/errors/index.js';
import type { EngineClient } from './transport.js';

/** Decodes the `X-Docker-Container-Path-Stat` header. */
export function decodePathStat(value: string | string[] | undefined): ContainerPathStat {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return { name: '', size: 0, mode: 0, mtime: '', linkTarget: '' };
  return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as ContainerPathStat;
}

/** Stats a path in a container (`HEAD /containers/{id}/archive`). A HEAD answer has no body, so a 404 is worded here. */
export async function containerArchiveStat(client: EngineClient, id: string, path: string): Promise<ContainerPathStat> {
  try {
    const res = await client.request({ method: 'HEAD', path: `/containers/${encodeURIComponent(id)}/archive`, query: { path } });
    res.resume();
    return decodePathStat(res.headers[PATH_STAT_HEADER]);
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw new NotFoundError(`Could not find the file ${path} in container ${id}`);
    throw err;
  }
}
