import type { IncomingMessage } from 'node:http';
import type { ContainerPathStat } from '../api/archive.js';
import { PATH_STAT_HEADER } from '../api/archive.js';
import { decodePathStat } from './container-archive-stat.js';
import type { EngineClient } from './transport.js';

/** Copies a path out of a container (`GET /containers/{id}/archive`): its stat and a tar stream. */
export async function containerArchiveGet(client: EngineClient, id: string, path: string): Promise<{ stat: ContainerPathStat; archive: IncomingMessage }> {
  const res = await client.request({ method: 'GET', path: `/containers/${encodeURIComponent(id)}/archive`, query: { path } });
  return { stat: decodePathStat(res.headers[PATH_STAT_HEADER]), archive: res };
}
