import { createHash, type Hash } from 'node:crypto';
import { InvalidArgumentError } from '../lib/errors/index.js';

/** The only digest algorithm berth writes; content named otherwise is refused, not guessed at. */
export const DIGEST_ALGORITHM = 'sha256';

const SHA256_DIGEST = /^sha256:([a-f0-9]{64})$/;

/** "sha256:<hex>" of `data`. */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A running sha256 for streamed content; `digest()` gives "sha256:<hex>". */
export class Digester {
  readonly #hash: Hash = createHash('sha256');
  #size = 0;

  update(chunk: Buffer): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.#size;
  }

  /** The digest of everything seen; call once, at the end. */
  digest(): string {
    return `sha256:${this.#hash.digest('hex')}`;
  }
}

/** Whether `s` is a well-formed "sha256:<64 hex>" digest. */
export function isDigest(s: string): boolean {
  return SHA256_DIGEST.test(s);
}

/**
 * The hex part of a digest. Every digest becomes a file name only through here, so a hostile
 * id ("../x", "%2F", NUL) is refused before it can touch a path.
 */
export function digestHex(digest: string): string {
  const m = SHA256_DIGEST.exec(digest);
  if (!m) throw new InvalidArgumentError(`invalid digest: ${JSON.stringify(digest)}`);
  return m[1]!;
}

/** The 12-hex-character id docker prints ("sha256:" dropped). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * Layer chain ids per the OCI image spec: chain(L0) = diff(L0),
 * chain(Ln) = sha256(chain(Ln-1) + " " + diff(Ln)). Bottom layer first.
 */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const diff of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? diff : sha256Digest(`${prev} ${diff}`));
  }
  return out;
}
