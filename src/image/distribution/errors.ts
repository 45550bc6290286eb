import type { IncomingMessage } from 'node:http';
import { EngineError, InternalError, NotFoundError, UnauthorizedError } from '../../lib/errors/index.js';
import { familiarString, type ImageReference } from '../../oci/index.js';

/** One entry of a registry's error body (OCI distribution spec: {"errors":[{code,message,detail}]}). */
export interface RegistryErrorEntry {
  code: string;
  message?: string;
}

/** A registry answered with an error status; `codes` are the spec's codes it gave, if any. */
export class RegistryError extends EngineError {
  constructor(readonly status: number, readonly entries: RegistryErrorEntry[], message: string) {
    super(message);
  }

  has(...codes: string[]): boolean {
    return this.entries.some((e) => codes.includes(e.code));
  }
}

/** Go's errcode text: "MANIFEST_UNKNOWN" with message "x" reads "manifest unknown: x". */
function entryText(e: RegistryErrorEntry): string {
  const code = e.code.toLowerCase().replace(/_/g, ' ');
  return e.message ? `${code}: ${e.message}` : code;
}

/** Builds the error for a failed registry response from its status and (small) body. */
export function registryError(res: IncomingMessage, body: Buffer): RegistryError {
  const status = res.statusCode ?? 0;
  let entries: RegistryErrorEntry[] = [];
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) {
      entries = parsed.errors
        .filter((e): e is RegistryErrorEntry => !!e && typeof (e as RegistryErrorEntry).code === 'string')
        .map((e) => ({ code: e.code, ...(typeof e.message === 'string' ? { message: e.message } : {}) }));
    }
  } catch {
    // Not the spec's error body: the status says it all.
  }
  if (entries.length === 0 && status === 401) entries = [{ code: 'UNAUTHORIZED', message: 'authentication required' }];
  const text = entries.length > 0 ? entries.map(entryText).join(', ') : `received unexpected HTTP status: ${status} ${res.statusMessage ?? ''}`.trim();
  return new RegistryError(status, entries, text);
}

/**
 * Turns a registry error met while resolving a pull into Docker's words and kind: a repository
 * the registry denies or does not know is a 404 "pull access denied ..." (SDKs raise their
 * ImageNotFound on it), an unknown manifest is "manifest for x:y not found: ...".
 */
export function translatePullError(err: unknown, ref: ImageReference): unknown {
  // Credentials berthd could not find or use: a 500 as dockerd answers, not a 401, which the
  // docker CLI takes as its cue to prompt for a login on a terminal it may not have (it hangs).
  if (err instanceof UnauthorizedError) return new InternalError(err.message, { cause: err });
  if (!(err instanceof RegistryError)) return err;
  if (err.has('DENIED', 'UNAUTHORIZED') || err.status === 401 || err.status === 403) {
    return new NotFoundError(`pull access denied for ${ref.familiarName}, repository does not exist or may require 'docker login': ${err.message}`, { cause: err });
  }
  if (err.has('MANIFEST_UNKNOWN') || (err.status === 404 && err.entries.length === 0)) {
    return new NotFoundError(`manifest for ${familiarString(ref)} not found: ${err.message}`, { cause: err });
  }
  if (err.has('NAME_UNKNOWN')) return new NotFoundError(`repository ${ref.familiarName} not found: ${err.message}`, { cause: err });
  return err;
}

/** A login the registry refused (`POST /auth`): 401 with the registry's words. */
export function loginError(err: unknown): unknown {
  if (err instanceof RegistryError && (err.status === 401 || err.has('UNAUTHORIZED', 'DENIED'))) return new UnauthorizedError(err.message, { cause: err });
  return err;
}
