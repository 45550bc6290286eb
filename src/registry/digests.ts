/**
 * The digest algorithms the registry verifies: sha256 and sha512, as the OCI image spec registers
 * them. A digest becomes a file name only through here: its hex alone, the algorithm told by the
 * length (64 or 128), so every sha256 name stays what it was before sha512 was accepted.
 */
import { createHash, type Hash } from 'node:crypto';

export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const FILE_RE = /^(?:[a-f0-9]{64}|[a-f0-9]{128})$/;

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha256', 'sha512'];

/** Whether `s` is "sha256:<64 hex>" or "sha512:<128 hex>". */
export function isRegistryDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

export function isDigestAlgorithm(s: string): s is DigestAlgorithm {
  return s === 'sha256' || s === 'sha512';
}

/** The algorithm of a checked digest. */
export function algorithmOf(digest: string): DigestAlgorithm {
  const a = digest.slice(0, digest.indexOf(':'));
  if (!isDigestAlgorithm(a)) throw new Error(`unsupported digest ${JSON.stringify(digest)}`);
  return a;
}

/** The file name a digest is kept under (its hex); throws for anything not a checked digest. */
export function digestFileName(digest: string): string {
  if (!DIGEST_RE.test(digest)) throw new Error(`invalid digest ${JSON.stringify(digest)}`);
  return digest.slice(digest.indexOf(':') + 1);
}

/** The digest a file name stands for, or undefined for a name that is none of ours. */
export function digestFromFileName(name: string): string | undefined {
  if (!FILE_RE.test(name)) return undefined;
  return `${name.length === HEX_LENGTH.sha512 ? 'sha512' : 'sha256'}:${name}`;
}

export function newHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

/** "<algorithm>:<hex>" of a finished hash. */
export function hashDigest(algorithm: DigestAlgorithm, hash: Hash): string {
  return `${algorithm}:${hash.digest('hex')}`;
}

export function digestOf(algorithm: DigestAlgorithm, data: Buffer): string {
  return hashDigest(algorithm, createHash(algorithm).update(data));
}
