/** Snapshotters: read-only layers stacked under a writable dir per container. */
export {
  ChangeKind, type Snapshotter, type SnapshotDiffer, type SnapshotViewer, type LayerExporter, type FilesystemChange,
  type ChangesOptions, type RootfsExporter,
} from './types.js';
export { OverlaySnapshotter, type OverlaySnapshotterOptions, type LayerInfo, type StagedLayer, type OverlayMountSpec } from './overlay.js';
export { SnapshotPaths } from './paths.js';
