import { InvalidArgumentError } from '../lib/errors/index.js';

/** A parsed image reference, normalised the way Docker does it. */
export interface ImageReference {
  /** Registry host, "docker.io" for Docker Hub. */
  domain: string;
  /** Repository path inside the registry, e.g. "library/busybox". */
  path: string;
  tag?: string;
  /** "sha256:<hex>" when the reference pins a digest. */
  digest?: string;
  /** The name as docker prints it: "busybox", "me/app", "localhost:5000/app". */
  familiarName: string;
}

/** Docker Hub's registry name, as references normalise it. */
export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DOMAIN = 'index.docker.io';
const MAX_NAME = 255;

// The grammar of distribution/reference, as anchored regexes.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const HEX64_RE = /^[a-f0-9]{64}$/;

function invalid(detail?: string): InvalidArgumentError {
  return new InvalidArgumentError(detail ? `invalid reference format: ${detail}` : 'invalid reference format');
}

function splitDomain(name: string): { domain: string; path: string } {
  const i = name.indexOf('/');
  const first = i < 0 ? '' : name.slice(0, i);
  // Like docker: the first component is a registry only if it looks like a host.
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    return { domain: DEFAULT_DOMAIN, path: name };
  }
  return { domain: first === LEGACY_DOMAIN ? DEFAULT_DOMAIN : first, path: name.slice(i + 1) };
}

/** The name docker shows for a repository: Docker Hub's domain and "library/" dropped. */
export function familiarName(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return `${domain}/${path}`;
  if (path.startsWith('library/') && !path.slice('library/'.length).includes('/')) return path.slice('library/'.length);
  return path;
}

/**
 * Parses `name[:tag][@digest]` into a normalised reference. Throws InvalidArgumentError with
 * Docker's wording ("invalid reference format...") for anything malformed.
 */
export function parseReference(ref: string): ImageReference {
  if (ref === '' || ref.length > 4096) throw invalid();
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw invalid();
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw invalid();
  }
  if (rest === '') throw invalid();
  const { domain, path: rawPath } = splitDomain(rest);
  if (!DOMAIN_RE.test(domain)) throw invalid();
  if (rawPath !== rawPath.toLowerCase()) throw invalid(`repository name (${rawPath}) must be lowercase`);
  if (!PATH_RE.test(rawPath)) throw invalid();
  const path = domain === DEFAULT_DOMAIN && !rawPath.includes('/') ? `library/${rawPath}` : rawPath;
  if (domain.length + 1 + path.length > MAX_NAME) throw invalid(`repository name must not be more than ${MAX_NAME} characters`);
  return { domain, path, tag, digest, familiarName: familiarName(domain, path) };
}

/**
 * Parses a reference meant to name a repository (pull, tag, import targets): a tag defaults to
 * "latest" unless a digest is given, and a bare 64-hex name is refused as docker does.
 */
export function parseNamedReference(ref: string): ImageReference {
  const r = parseReference(ref);
  if (HEX64_RE.test(r.familiarName)) {
    throw new InvalidArgumentError(`invalid repository name (${r.familiarName}), cannot specify 64-byte hexadecimal strings`);
  }
  if (r.tag === undefined && r.digest === undefined) r.tag = DEFAULT_TAG;
  return r;
}

/** "name:tag" as docker prints it (tag "latest" made explicit). */
export function familiarTagged(r: ImageReference): string {
  return `${r.familiarName}:${r.tag ?? DEFAULT_TAG}`;
}

/** "name@sha256:..." as docker prints it. */
export function familiarDigested(r: ImageReference & { digest: string }): string {
  return `${r.familiarName}@${r.digest}`;
}

/** The reference with "latest" as its tag when it names neither a tag nor a digest. */
export function withDefaultTag(r: ImageReference): ImageReference {
  return r.tag === undefined && r.digest === undefined ? { ...r, tag: DEFAULT_TAG } : r;
}

/** "name[:tag][@digest]" as docker prints it ("busybox:latest", "me/app@sha256:…"). */
export function familiarString(r: ImageReference): string {
  return `${r.familiarName}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** The repository's full name, registry included: "docker.io/library/busybox". */
export function canonicalName(r: ImageReference): string {
  return `${r.domain}/${r.path}`;
}

/** "domain/path[:tag][@digest]", the form docker pulls by ("docker.io/library/busybox:latest"). */
export function canonicalString(r: ImageReference): string {
  return `${canonicalName(r)}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}
