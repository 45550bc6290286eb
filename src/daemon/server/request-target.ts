import { InvalidArgumentError } from '../../lib/errors/index.js';

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

/** The parts of a request target the router needs. */
export interface RequestTarget {
  /** The path without the /vX.Y prefix, still percent-encoded (the router decodes parameters). */
  path: string;
  /** The version from the /vX.Y prefix, when there is one. */
  version?: string;
  query: URLSearchParams;
}

/**
 * Splits a request target into path, version and query. Accepts the origin form ("/info?x=1")
 * and the absolute form ("http://host/info"); anything Node's URL parser refuses (for example
 * "//[" or "http://[/_ping") is a bad request, not an exception that escapes the server.
 */
export function parseRequestTarget(target: string | undefined): RequestTarget {
  let url: URL;
  try {
    url = new URL(target || '/', 'http://berth');
  } catch (err) {
    throw new InvalidArgumentError(`invalid request target: ${JSON.stringify(target)}`, { cause: err });
  }
  let path = url.pathname;
  let version: string | undefined;
  const m = VERSION_PREFIX.exec(path);
  if (m) {
    version = m[1]!;
    path = m[2]!;
  }
  return { path, version, query: url.searchParams };
}
