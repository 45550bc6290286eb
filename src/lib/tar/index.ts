/** Safe tar handling for layers: streaming unpack and pack with whiteouts, compression sniffing. */
export { unpackLayer, type UnpackLayerOptions, type UnpackLayerResult } from './unpack-layer.js';
export { detectCompression, decompressor, peekBytes, canDecompressZstd, type Compression } from './compression.js';
export { cleanEntryPath } from './entry-path.js';
export { resolveInRoot } from './resolve-in-root.js';
export { OPAQUE_WHITEOUT, opaqueDirsNeedLowerDirs, WHITEOUT_PREFIX } from './whiteout.js';
export { packLayer } from './pack-layer.js';
export { readLayerXattrs } from './layer-xattrs.js';
