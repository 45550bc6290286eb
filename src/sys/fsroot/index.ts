/** Files inside a container's root, reached without ever leaving it (the archive endpoints, cp). */
export { PinnedRoot } from './root.js';
export { parseContainerPath, archiveBaseName, type ContainerPath } from './path-rules.js';
export { statPath } from './path-stat.js';
export { packPath } from './pack.js';
export { extractTar, type ExtractOptions } from './extract.js';
export { readSmallFile } from './read-small.js';
export { copyTreeContents, copyDirMetadata } from './copy-tree.js';
export { openBeneath } from './beneath.js';
