import { errorOfKind, type EngineError, type ErrorKind } from '../lib/errors/index.js';

/**
 * Rebuilds the error kind from an Engine API status, the inverse of the daemon's one mapper
 * (moby client/errors.go does the same): the client never parses messages to classify.
 */
export function kindOfStatus(status: number): ErrorKind {
  switch (status) {
    case 304: return 'not-modified';
    case 400: return 'invalid-argument';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not-found';
    case 405: return 'method-not-allowed';
    case 409: return 'conflict';
    case 501: return 'not-implemented';
    case 503: return 'unavailable';
    default: return status >= 500 ? 'internal' : 'unknown';
  }
}

/** The error a daemon answer stands for, carrying the server's own message and the status. */
export function errorOfResponse(status: number, body: string): EngineError & { status: number } {
  let message = body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (parsed && typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the raw text, as the docker CLI does for proxies answering HTML
  }
  if (!message) message = `request failed with status ${status}`;
  const err = errorOfKind(kindOfStatus(status), message) as EngineError & { status: number };
  err.status = status;
  return err;
}
