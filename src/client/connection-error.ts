import { UnavailableError } from '../lib/errors/index.js';
import type { Endpoint } from './endpoint.js';

/** Socket errors that mean "no daemon there" rather than a failed request. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * The error for a daemon that cannot be reached, in the docker CLI's words: wait-for-daemon
 * loops grep for "Cannot connect to the Docker daemon", so the sentence is docker's, not ours.
 * Any other error is returned unchanged.
 */
export function connectionError(endpoint: Endpoint, err: NodeJS.ErrnoException): Error {
  if (err.code === 'EACCES') {
    const dial = endpoint.kind === 'unix' ? `dial unix ${endpoint.socketPath}` : `dial tcp ${endpoint.host}:${endpoint.port}`;
    return new UnavailableError(`permission denied while trying to connect to the Docker daemon socket at ${endpoint.url}: ${dial}: connect: permission denied`, { cause: err });
  }
  if (UNREACHABLE.has(err.code ?? '')) {
    return new UnavailableError(`Cannot connect to the Docker daemon at ${endpoint.url}. Is the docker daemon running?`, { cause: err });
  }
  return err;
}
