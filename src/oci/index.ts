/** OCI image shapes shared by the daemon and the CLI: references, digests, descriptors, media types. */
export {
  parseReference, parseNamedReference, familiarName, familiarTagged, familiarDigested, familiarString,
  canonicalName, canonicalString, withDefaultTag, DEFAULT_DOMAIN, DEFAULT_TAG, type ImageReference,
} from './reference.js';
export { sha256Digest, isDigest, digestHex, shortId, chainIds, Digester, DIGEST_ALGORITHM } from './digest.js';
export { checkDescriptor, type Descriptor } from './descriptor.js';
export {
  MediaType, layerCompression, isLayerMediaType, isManifestMediaType, isIndexMediaType, ociLayerMediaType,
  type MediaTypeName, type LayerCompression,
} from './media-types.js';
