import { InvalidArgumentError } from '../../lib/errors/index.js';
import { checkDescriptor, isIndexMediaType, isManifestMediaType, MediaType, type Descriptor } from '../../oci/index.js';

/** The media types a pull accepts, in the Accept header. */
export const ACCEPTED_MANIFEST_TYPES = [MediaType.dockerManifest, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.ociIndex];

/** An image manifest: one config and its layers, bottom first. */
export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

/** A manifest list / image index: one manifest per platform. */
export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Array<Descriptor & { platform?: PlatformSpec }>;
}

/**
 * Parses manifest bytes. The media type is the body's `mediaType` when it has one (it must then
 * agree with the Content-Type), else the Content-Type the registry sent.
 */
export function parseManifest(body: Buffer, contentType: string | undefined): ImageManifest | ImageIndex {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidArgumentError(`invalid manifest: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidArgumentError('invalid manifest: not a JSON object');
  const header = contentType?.split(';')[0]?.trim();
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  let mediaType = declared ?? header;
  // OCI bodies may omit mediaType; a generic Content-Type then leaves the shape to decide.
  if (!mediaType || !(isManifestMediaType(mediaType) || isIndexMediaType(mediaType))) {
    if (declared === undefined && Array.isArray(doc.manifests)) mediaType = MediaType.ociIndex;
    else if (declared === undefined && doc.config && Array.isArray(doc.layers)) mediaType = MediaType.ociManifest;
  }
  if (!mediaType || !(isManifestMediaType(mediaType) || isIndexMediaType(mediaType))) {
    throw new InvalidArgumentError(`unsupported manifest media type ${JSON.stringify(mediaType ?? header ?? '')}: berth pulls OCI and Docker schema 2 images`);
  }
  if (doc.schemaVersion !== 2) throw new InvalidArgumentError(`invalid manifest: schemaVersion ${JSON.stringify(doc.schemaVersion)}, expected 2`);
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw new InvalidArgumentError('invalid manifest list: manifests missing');
    const manifests = doc.manifests.map((m, i) => {
      const d = checkDescriptor(m, `manifest list entry ${i}`);
      const p = (m as { platform?: unknown }).platform as Partial<PlatformSpec> | undefined;
      const platform = p && typeof p.os === 'string' && typeof p.architecture === 'string'
        ? { os: p.os, architecture: p.architecture, ...(typeof p.variant === 'string' ? { variant: p.variant } : {}) }
        : undefined;
      return { ...d, ...(platform ? { platform } : {}) };
    });
    return { kind: 'index', mediaType, manifests };
  }
  if (!Array.isArray(doc.layers)) throw new InvalidArgumentError('invalid manifest: layers missing');
  return {
    kind: 'manifest',
    mediaType,
    config: checkDescriptor(doc.config, 'config descriptor'),
    layers: doc.layers.map((l, i) => checkDescriptor(l, `layer ${i} descriptor`)),
  };
}

/** Go's default variant of an architecture, for matching "arm64" against "arm64/v8". */
function normalVariant(arch: string, variant: string | undefined): string | undefined {
  if (variant) return variant;
  if (arch === 'arm64') return 'v8';
  if (arch === 'arm') return 'v7';
  return undefined;
}

/**
 * The entry of an index for `want`: same os and architecture, and the variant when one is
 * asked for (or implied). Throws Docker's "no matching manifest" when there is none.
 */
export function selectPlatform(index: ImageIndex, want: PlatformSpec): Descriptor {
  const wantVariant = normalVariant(want.architecture, want.variant);
  const candidates = index.manifests.filter((m) => isManifestMediaType(m.mediaType) && m.platform
    && m.platform.os === want.os && m.platform.architecture === want.architecture);
  const exact = candidates.find((m) => normalVariant(m.platform!.architecture, m.platform!.variant) === wantVariant);
  const found = exact ?? (want.variant === undefined ? candidates[0] : undefined);
  if (!found) {
    const name = `${want.os}/${want.architecture}${want.variant ? `/${want.variant}` : ''}`;
    throw new InvalidArgumentError(`no matching manifest for ${name} in the manifest list entries`);
  }
  return found;
}
