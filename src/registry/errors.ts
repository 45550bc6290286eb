/**
 * The registry's errors and their one mapping to the OCI Distribution wire form: each reason
 * below names the spec's error code, the HTTP status and the spec's message. Code that finds
 * a problem throws `registryError(reason, detail)`; only `errorResponse` turns anything thrown
 * into a status and an `{"errors":[...]}` body.
 */
import {
  ConflictError, EngineError, ForbiddenError, InvalidArgumentError, MethodNotAllowedError,
  NotFoundError, NotImplementedError, UnauthorizedError, UnavailableError, kindOf, type ErrorKind,
} from '../lib/errors/index.js';

/**
 * The error codes of the OCI Distribution Specification, plus UNKNOWN for a server fault and
 * Distribution's UNAVAILABLE (503) for a pull-through cache whose upstream cannot be reached.
 */
export type OciErrorCode =
  | 'BLOB_UNKNOWN' | 'BLOB_UPLOAD_INVALID' | 'BLOB_UPLOAD_UNKNOWN' | 'DIGEST_INVALID' | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID' | 'MANIFEST_UNKNOWN' | 'NAME_INVALID' | 'NAME_UNKNOWN' | 'SIZE_INVALID' | 'UNAUTHORIZED'
  | 'DENIED' | 'UNSUPPORTED' | 'TOOMANYREQUESTS' | 'UNAVAILABLE' | 'UNKNOWN';

interface Reason {
  code: OciErrorCode;
  status: number;
  message: string;
  kind: new (message: string) => EngineError;
}

/** Why a request failed; several reasons share a code and differ in status (a chunk out of order is 416). */
const REASONS = {
  blobUnknown: { code: 'BLOB_UNKNOWN', status: 404, message: 'blob unknown to registry', kind: NotFoundError },
  blobUploadInvalid: { code: 'BLOB_UPLOAD_INVALID', status: 400, message: 'blob upload invalid', kind: InvalidArgumentError },
  rangeInvalid: { code: 'BLOB_UPLOAD_INVALID', status: 416, message: 'requested range not satisfiable', kind: InvalidArgumentError },
  uploadBusy: { code: 'BLOB_UPLOAD_INVALID', status: 416, message: 'another request is writing to this upload', kind: ConflictError },
  blobUploadUnknown: { code: 'BLOB_UPLOAD_UNKNOWN', status: 404, message: 'blob upload unknown to registry', kind: NotFoundError },
  digestInvalid: { code: 'DIGEST_INVALID', status: 400, message: 'provided digest did not match uploaded content', kind: InvalidArgumentError },
  manifestBlobUnknown: { code: 'MANIFEST_BLOB_UNKNOWN', status: 400, message: 'manifest references a manifest or blob unknown to registry', kind: InvalidArgumentError },
  manifestInvalid: { code: 'MANIFEST_INVALID', status: 400, message: 'manifest invalid', kind: InvalidArgumentError },
  manifestTooLarge: { code: 'MANIFEST_INVALID', status: 413, message: 'manifest too large', kind: InvalidArgumentError },
  manifestUnknown: { code: 'MANIFEST_UNKNOWN', status: 404, message: 'manifest unknown to registry', kind: NotFoundError },
  nameInvalid: { code: 'NAME_INVALID', status: 400, message: 'invalid repository name', kind: InvalidArgumentError },
  nameUnknown: { code: 'NAME_UNKNOWN', status: 404, message: 'repository name not known to registry', kind: NotFoundError },
  sizeInvalid: { code: 'SIZE_INVALID', status: 400, message: 'provided length did not match content length', kind: InvalidArgumentError },
  unauthorized: { code: 'UNAUTHORIZED', status: 401, message: 'authentication required', kind: UnauthorizedError },
  denied: { code: 'DENIED', status: 403, message: 'requested access to the resource is denied', kind: ForbiddenError },
  unsupported: { code: 'UNSUPPORTED', status: 400, message: 'the operation is unsupported', kind: NotImplementedError },
  methodNotAllowed: { code: 'UNSUPPORTED', status: 405, message: 'the operation is unsupported', kind: MethodNotAllowedError },
  notFound: { code: 'UNSUPPORTED', status: 404, message: 'no such endpoint', kind: NotFoundError },
  paginationInvalid: { code: 'UNSUPPORTED', status: 400, message: 'invalid number of results requested', kind: InvalidArgumentError },
  tokenRequestInvalid: { code: 'UNSUPPORTED', status: 400, message: 'invalid token request', kind: InvalidArgumentError },
  tooManyRequests: { code: 'TOOMANYREQUESTS', status: 429, message: 'too many requests', kind: UnavailableError },
  unavailable: { code: 'UNAVAILABLE', status: 503, message: 'service unavailable', kind: UnavailableError },
} as const satisfies Record<string, Reason>;

export type RegistryErrorReason = keyof typeof REASONS;

/** An error that knows its registry reason; `headers` go out with the error response (Range on a 416). */
export interface RegistryErrorFields {
  readonly reason: RegistryErrorReason;
  readonly detail?: unknown;
  readonly headers?: Record<string, string>;
}

export type RegistryError = EngineError & RegistryErrorFields;

/** Builds the error for `reason`: an error of the matching kind, so code outside the registry classifies it too. */
export function registryError(reason: RegistryErrorReason, detail?: unknown, headers?: Record<string, string>, message?: string): RegistryError {
  const r: Reason = REASONS[reason];
  const err = new r.kind(message ?? r.message) as EngineError & { reason: RegistryErrorReason; detail?: unknown; headers?: Record<string, string> };
  err.reason = reason;
  if (detail !== undefined) err.detail = detail;
  if (headers !== undefined) err.headers = headers;
  return err;
}

export function isRegistryError(err: unknown, reason?: RegistryErrorReason): err is RegistryError {
  const r = (err as { reason?: unknown } | null)?.reason;
  return typeof r === 'string' && r in REASONS && (reason === undefined || r === reason);
}

/** For errors thrown by shared code (an oci/ parser, the file system) that carry only a kind. */
const BY_KIND: Partial<Record<ErrorKind, RegistryErrorReason>> = {
  'invalid-argument': 'blobUploadInvalid',
  'unauthorized': 'unauthorized',
  'forbidden': 'denied',
  'not-implemented': 'unsupported',
  'method-not-allowed': 'methodNotAllowed',
  'unavailable': 'tooManyRequests',
};

export interface ErrorResponse {
  status: number;
  code: OciErrorCode;
  headers: Record<string, string>;
  body: { errors: Array<{ code: OciErrorCode; message: string; detail?: unknown }> };
}

/** The one place anything thrown becomes a status and the spec's error body. */
export function errorResponse(err: unknown): ErrorResponse {
  let reason: RegistryErrorReason | undefined;
  let message: string;
  let detail: unknown;
  let headers: Record<string, string> = {};
  if (isRegistryError(err)) {
    reason = err.reason;
    message = err.message;
    detail = err.detail;
    headers = err.headers ?? {};
  } else {
    reason = BY_KIND[kindOf(err)];
    message = reason !== undefined && err instanceof Error ? err.message : 'internal server error';
  }
  if (reason === undefined) {
    return { status: 500, code: 'UNKNOWN', headers, body: { errors: [{ code: 'UNKNOWN', message }] } };
  }
  const r: Reason = REASONS[reason];
  const entry: { code: OciErrorCode; message: string; detail?: unknown } = { code: r.code, message };
  if (detail !== undefined) entry.detail = detail;
  return { status: r.status, code: r.code, headers, body: { errors: [entry] } };
}
