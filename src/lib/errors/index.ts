/**
 * Error kinds shared by every part of berth. An error carries a kind, never a transport
 * status: the daemon maps the kind to an HTTP status in one place, the client rebuilds the
 * kind from the status, and the CLI alone adds hints and exit codes.
 */
export type ErrorKind =
  | 'not-found'
  | 'invalid-argument'
  | 'conflict'
  | 'not-modified'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'not-implemented'
  | 'method-not-allowed'
  | 'cancelled'
  | 'deadline-exceeded'
  | 'data-loss'
  | 'internal'
  | 'unknown';

/** Base of every error berth throws on purpose. */
export class EngineError extends Error {
  readonly kind: ErrorKind = 'unknown';
  readonly code: string = 'ERR_UNKNOWN';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends EngineError {
  override readonly kind = 'not-found' as const;
  override readonly code: string = 'ERR_NOT_FOUND';
}
export class InvalidArgumentError extends EngineError {
  override readonly kind = 'invalid-argument' as const;
  override readonly code: string = 'ERR_INVALID_ARGUMENT';
}
export class ConflictError extends EngineError {
  override readonly kind = 'conflict' as const;
  override readonly code: string = 'ERR_CONFLICT';
}
/** "Already in the desired state" (Docker answers 304 for start/stop of such a container). */
export class NotModifiedError extends EngineError {
  override readonly kind = 'not-modified' as const;
  override readonly code: string = 'ERR_NOT_MODIFIED';
}
export class UnauthorizedError extends EngineError {
  override readonly kind = 'unauthorized' as const;
  override readonly code: string = 'ERR_UNAUTHORIZED';
}
export class ForbiddenError extends EngineError {
  override readonly kind = 'forbidden' as const;
  override readonly code: string = 'ERR_FORBIDDEN';
}
export class UnavailableError extends EngineError {
  override readonly kind = 'unavailable' as const;
  override readonly code: string = 'ERR_UNAVAILABLE';
}
export class NotImplementedError extends EngineError {
  override readonly kind = 'not-implemented' as const;
  override readonly code: string = 'ERR_NOT_IMPLEMENTED';
}
/** The resource exists but not for this method (an HTTP router's 405). */
export class MethodNotAllowedError extends EngineError {
  override readonly kind = 'method-not-allowed' as const;
  override readonly code: string = 'ERR_METHOD_NOT_ALLOWED';
}
export class CancelledError extends EngineError {
  override readonly kind = 'cancelled' as const;
  override readonly code: string = 'ERR_CANCELLED';
}
export class DataLossError extends EngineError {
  override readonly kind = 'data-loss' as const;
  override readonly code: string = 'ERR_DATA_LOSS';
}
export class InternalError extends EngineError {
  override readonly kind = 'internal' as const;
  override readonly code: string = 'ERR_INTERNAL';
}

const KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  'not-found', 'invalid-argument', 'conflict', 'not-modified', 'unauthorized', 'forbidden',
  'unavailable', 'not-implemented', 'method-not-allowed', 'cancelled', 'deadline-exceeded', 'data-loss', 'internal', 'unknown',
]);

/**
 * The kind of an error, found by walking `cause` chains and AggregateError members, so that
 * wrapped errors and errors from a duplicate module copy classify the same way.
 */
export function kindOf(err: unknown): ErrorKind {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    const k = (cur as { kind?: unknown }).kind;
    if (typeof k === 'string' && KINDS.has(k) && k !== 'unknown') return k as ErrorKind;
    if (cur instanceof AggregateError && cur.errors.length > 0) {
      const inner = kindOf(cur.errors[0]);
      if (inner !== 'unknown') return inner;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return 'unknown';
}

export const isNotFound = (e: unknown): boolean => kindOf(e) === 'not-found';
export const isConflict = (e: unknown): boolean => kindOf(e) === 'conflict';
export const isInvalidArgument = (e: unknown): boolean => kindOf(e) === 'invalid-argument';
export const isNotModified = (e: unknown): boolean => kindOf(e) === 'not-modified';

/** Builds an error of the given kind (used by the client to rebuild a daemon error). */
export function errorOfKind(kind: ErrorKind, message: string, cause?: unknown): EngineError {
  const opts = cause === undefined ? undefined : { cause };
  switch (kind) {
    case 'not-found': return new NotFoundError(message, opts);
    case 'invalid-argument': return new InvalidArgumentError(message, opts);
    case 'conflict': return new ConflictError(message, opts);
    case 'not-modified': return new NotModifiedError(message, opts);
    case 'unauthorized': return new UnauthorizedError(message, opts);
    case 'forbidden': return new ForbiddenError(message, opts);
    case 'unavailable': return new UnavailableError(message, opts);
    case 'not-implemented': return new NotImplementedError(message, opts);
    case 'method-not-allowed': return new MethodNotAllowedError(message, opts);
    case 'cancelled': return new CancelledError(message, opts);
    case 'data-loss': return new DataLossError(message, opts);
    case 'internal': return new InternalError(message, opts);
    default: return new EngineError(message, opts);
  }
}

/** The message of anything thrown, for logs and error bodies. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
