import { InvalidArgumentError } from '../lib/errors/index.js';
import { isDigest } from './digest.js';

/** An OCI content descriptor: what a manifest says about a blob it points at. */
export interface Descriptor {
  mediaType: string;
  /** "sha256:<hex>" of the blob's bytes as stored (compressed, for a compressed layer). */
  digest: string;
  /** Bytes of the blob. */
  size: number;
  annotations?: Record<string, string>;
  urls?: string[];
}

/** Checks a descriptor that came from outside (a manifest, an archive index). */
export function checkDescriptor(d: unknown, what = 'descriptor'): Descriptor {
  const x = d as Partial<Descriptor> | null;
  if (!x || typeof x !== 'object') throw new InvalidArgumentError(`invalid ${what}: not an object`);
  if (typeof x.mediaType !== 'string' || x.mediaType === '') throw new InvalidArgumentError(`invalid ${what}: mediaType missing`);
  if (typeof x.digest !== 'string' || !isDigest(x.digest)) throw new InvalidArgumentError(`invalid ${what}: digest ${JSON.stringify(x.digest)}`);
  if (typeof x.size !== 'number' || !Number.isSafeInteger(x.size) || x.size < 0) throw new InvalidArgumentError(`invalid ${what}: size ${JSON.stringify(x.size)}`);
  return x as Descriptor;
}
