import { messageOf } from '../../lib/errors/index.js';
import { DEFAULT_DOMAIN } from '../../oci/index.js';
import { mirrorEndpoint, type RegistryEndpoint } from './endpoint.js';

/**
 * Runs `attempt` against each mirror of Docker Hub in order, then Docker Hub itself (`endpoint`
 * undefined), for a reference on docker.io; other registries have no mirrors. A mirror that fails
 * for any reason (down, refusing, without the image) passes the request to the next, as dockerd
 * does. When Docker Hub fails too, its error is the one returned, naming the mirrors' errors after
 * it: here Docker Hub is usually unreachable, and "no such host" alone would hide why the mirror
 * did not serve.
 */
export async function withMirrors<T>(domain: string, mirrors: readonly string[], attempt: (endpoint?: RegistryEndpoint) => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (domain !== DEFAULT_DOMAIN || mirrors.length === 0) return attempt();
  const failures: string[] = [];
  for (const m of mirrors) {
    try {
      return await attempt(mirrorEndpoint(m));
    } catch (err) {
      if (signal?.aborted) throw err;
      failures.push(`mirror ${m}: ${messageOf(err)}`);
    }
  }
  try {
    return await attempt();
  } catch (err) {
    if (err instanceof Error && !signal?.aborted) err.message = `${err.message} (${failures.join('; ')})`;
    throw err;
  }
}
