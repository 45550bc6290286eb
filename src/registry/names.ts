/**
 * What the registry accepts as a repository name, a tag, a digest and an upload id. Every one of
 * them becomes part of a file path, so nothing reaches the storage without passing here.
 */
import { isRegistryDigest } from './digests.js';
import { registryError } from './errors.js';

// The distribution spec's grammar for <name>, each path component anchored.
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
// Any algorithm the spec's digest grammar allows: refused as unsupported rather than as malformed.
const ANY_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const UPLOAD_ID_RE = /^[a-f0-9]{32}$/;
/** Distribution's limit: long names break file systems and clients. */
export const MAX_NAME_LENGTH = 255;

export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME_RE.test(name);
}

export function checkRepositoryName(name: string): string {
  if (!isRepositoryName(name)) throw registryError('nameInvalid', { name });
  return name;
}

export function isTag(s: string): boolean {
  return TAG_RE.test(s);
}

/** A digest the registry can verify (sha256, sha512); other algorithms are UNSUPPORTED, garbage is DIGEST_INVALID. */
export function checkDigest(s: string | null | undefined): string {
  if (s && isRegistryDigest(s)) return s;
  if (s && ANY_DIGEST_RE.test(s) && !s.startsWith('sha256:') && !s.startsWith('sha512:')) {
    throw registryError('unsupported', { digest: s }, undefined, `digest algorithm not supported: ${s.slice(0, s.indexOf(':'))}`);
  }
  throw registryError('digestInvalid', { digest: s ?? null }, undefined, 'invalid digest');
}

export function isDigestReference(ref: string): boolean {
  return ref.includes(':');
}

export function isUploadId(s: string): boolean {
  return UPLOAD_ID_RE.test(s);
}
