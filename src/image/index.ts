/** Images: the store, references, and the import path. */
export type * from './types.js';
export { LocalImageService, type LocalImageServiceOptions } from './service.js';
export { ImagePaths } from './paths.js';
export { parseReference, parseNamedReference, familiarName, familiarTagged, type ImageReference } from '../oci/index.js';
export { chainIds, shortId, sha256Digest, isDigest } from '../oci/index.js';
export { applyChanges } from './changes.js';
export { busyboxRootfsTar, BUSYBOX_EPOCH } from './busybox-rootfs.js';
