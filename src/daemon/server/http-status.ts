import { kindOf, type ErrorKind } from '../../lib/errors/index.js';

const STATUS: Record<ErrorKind, number> = {
  'not-found': 404,
  'invalid-argument': 400,
  conflict: 409,
  'not-modified': 304,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
  'not-implemented': 501,
  'method-not-allowed': 405,
  cancelled: 499,
  'deadline-exceeded': 504,
  'data-loss': 500,
  internal: 500,
  unknown: 500,
};

/** The one place an error becomes an HTTP status (Docker's errdefs mapping). */
export function httpStatusFromError(err: unknown): number {
  return STATUS[kindOf(err)];
}
