/**
 * Checks a pushed manifest and finds what it points at. The registry keeps a manifest's bytes as
 * sent; it reads them only to refuse what is not a manifest of the declared type and to learn
 * which blobs and manifests must already be in the repository, and the `subject` it refers to.
 */
import { checkDescriptor, MediaType, type Descriptor } from '../oci/index.js';
import type { ReferrerDescriptor } from './backend.js';
import { isRegistryDigest } from './digests.js';
import { registryError } from './errors.js';

export const MANIFEST_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList,
]);

const INDEX_TYPES: ReadonlySet<string> = new Set([MediaType.ociIndex, MediaType.dockerManifestList]);

/** Layers a client may leave out of a push: they are fetched from their `urls`, never from a registry. */
const UNPUSHED_LAYERS: ReadonlySet<string> = new Set([
  MediaType.ociLayerNondistributable, MediaType.ociLayerNondistributableGzip,
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd', MediaType.dockerForeignLayerGzip,
]);

export interface ParsedManifest {
  mediaType: string;
  blobs: string[];
  manifests: string[];
  subject?: string;
  /** What the referrers API lists for this manifest, given its digest and size. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

function invalid(detail: string): Error {
  return registryError('manifestInvalid', detail, undefined, `manifest invalid: ${detail}`);
}

/** A descriptor as oci/ checks it, except that a sha512 digest is accepted too (the registry verifies both). */
function descriptor(d: unknown, what: string): Descriptor {
  const digest = (d as { digest?: unknown } | null)?.digest;
  const sha512 = typeof digest === 'string' && digest.startsWith('sha512:') && isRegistryDigest(digest);
  try {
    // oci/ knows sha256 only: check everything else with a stand-in digest.
    if (sha512) return { ...checkDescriptor({ ...(d as object), digest: `sha256:${'0'.repeat(64)}` }, what), digest };
    return checkDescriptor(d, what);
  } catch (err) {
    throw invalid((err as Error).message);
  }
}

/**
 * Parses `content` pushed with `contentType` (parameters already dropped). The media type is the
 * Content-Type, or the manifest's own `mediaType` when the client sent none; the two must agree.
 */
export function parseManifest(content: Buffer, contentType: string | undefined): ParsedManifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(content.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid('not valid JSON');
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw invalid('not a JSON object');
  if (m.schemaVersion !== 2) throw invalid(`schemaVersion ${JSON.stringify(m.schemaVersion)} is not supported`);
  const declared = typeof m.mediaType === 'string' ? m.mediaType : undefined;
  let mediaType = contentType && MANIFEST_TYPES.has(contentType) ? contentType : declared;
  if (mediaType === undefined) {
    // An OCI manifest may leave out mediaType; the shape tells which kind it is.
    if (Array.isArray(m.manifests)) mediaType = MediaType.ociIndex;
    else if (m.config !== undefined) mediaType = MediaType.ociManifest;
  }
  if (mediaType === undefined || !MANIFEST_TYPES.has(mediaType)) {
    throw invalid(`unsupported manifest media type ${JSON.stringify(contentType ?? declared ?? '')}`);
  }
  if (declared !== undefined && declared !== mediaType) {
    throw invalid(`mediaType ${JSON.stringify(declared)} does not match Content-Type ${JSON.stringify(mediaType)}`);
  }

  const out: ParsedManifest = { mediaType, blobs: [], manifests: [] };
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(m.manifests)) throw invalid('manifests must be an array');
    for (const d of m.manifests) out.manifests.push(descriptor(d, 'manifest descriptor').digest);
  } else {
    const config = descriptor(m.config, 'config descriptor');
    out.blobs.push(config.digest);
    if (!Array.isArray(m.layers)) {
      // OCI allows an artifact without layers only as an empty array; Docker's schema 2 always has them.
      throw invalid('layers must be an array');
    }
    for (const l of m.layers) {
      const d = descriptor(l, 'layer descriptor');
      if (!UNPUSHED_LAYERS.has(d.mediaType)) out.blobs.push(d.digest);
    }
    out.artifactType = config.mediaType;
  }
  if (typeof m.artifactType === 'string' && m.artifactType !== '') out.artifactType = m.artifactType;
  if (m.subject !== undefined) out.subject = descriptor(m.subject, 'subject').digest;
  if (m.annotations !== undefined) {
    if (!m.annotations || typeof m.annotations !== 'object' || Array.isArray(m.annotations)) throw invalid('annotations must be an object');
    out.annotations = m.annotations as Record<string, string>;
  }
  return out;
}

/** The descriptor the referrers API lists for a manifest that has a subject. */
export function referrerDescriptor(p: ParsedManifest, digest: string, size: number): ReferrerDescriptor {
  const d: ReferrerDescriptor = { mediaType: p.mediaType, digest, size };
  if (p.artifactType !== undefined) d.artifactType = p.artifactType;
  if (p.annotations !== undefined) d.annotations = p.annotations;
  return d;
}
