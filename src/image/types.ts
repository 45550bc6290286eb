import type { Descriptor } from '../oci/index.js';
import type { Readable } from 'node:stream';

/**
 * The image config as the OCI image spec and Docker store it (field names as on disk),
 * the subset berth reads. Extra fields are kept as they are.
 */
export interface ImageConfigFile {
  architecture: string;
  os: string;
  created?: string;
  author?: string;
  config?: ImageRunConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: Array<{ created?: string; created_by?: string; comment?: string; empty_layer?: boolean; author?: string }>;
  [extra: string]: unknown;
}

/** The `config` member of an image config (Docker's capitalised names). */
export interface ImageRunConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  StopSignal?: string;
  OnBuild?: string[] | null;
  [extra: string]: unknown;
}

/** One image known to the store. */
export interface ImageRecord {
  /** "sha256:<hex>" — the digest of the config blob. */
  id: string;
  /** e.g. ["busybox:latest"], normalised ("docker.io/library/" stripped as docker shows it). */
  repoTags: string[];
  repoDigests: string[];
  /** The config blob, parsed. */
  config: ImageConfigFile;
  /** Sum of the unpacked sizes of its layers, in bytes. */
  size: number;
  /** Layer chain ids, bottom first, as the snapshotter knows them. */
  layers: string[];
  /** Parent image id for committed images, or "". */
  parent: string;
  /** When berth stored it (ms since epoch), for sorting and `until` filters. */
  addedAt: number;
}

export interface ImageImportOptions {
  /** A tar stream of a root filesystem (optionally gzip/bzip2/xz compressed). */
  source: Readable;
  /** Reference to tag the result with, e.g. "myimg:1" (optional). */
  reference?: string;
  /** Dockerfile instructions applied to the config: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL, ONBUILD. */
  changes?: string[];
  message?: string;
  platform?: string;
  signal?: AbortSignal;
}

/**
 * Options of `LocalImageService.addImage`: stores an image from its config blob and layer tars, the
 * building block of `load`, pull and build.
 */
export interface ImageAddOptions {
  /** The raw config blob; its sha256 is the image id. `rootfs.diff_ids` lists the layers, bottom first. */
  config: Buffer;
  /**
   * Opens layer `index` (bottom first) as a tar stream, compressed or not. Called only for layers
   * not already stored; its uncompressed sha256 must equal `diffId`.
   */
  openLayer: (index: number, diffId: string) => Promise<Readable>;
  /** References to point at the image: "name[:tag]" or "name@sha256:…". */
  references?: string[];
  /** Parent image id (committed images), default "". */
  parent?: string;
  /**
   * The layers' blob descriptors from the manifest (pull, OCI archives), bottom first. When given,
   * `openLayer` must return exactly that blob; it is checked against the descriptor and kept, so a
   * later push or save sends the same digests. Without them a compressed layer is kept as it comes
   * and an uncompressed one is gzip-compressed once (see paths.ts).
   */
  layers?: Array<Descriptor | undefined>;
  /** `layers` are already in the content store (a pull stored and verified them): only unpack them. */
  blobsStored?: boolean;
  /** Told when layer `index` is unpacked and stored (only for layers that were opened). */
  onLayerStored?: (index: number) => void;
  signal?: AbortSignal;
}

/** Options of `ImageService.loadImages` (`docker load`). */
export interface ImageLoadOptions {
  /** "os/arch": which image of a multi-platform OCI index to load. */
  platform?: string;
  /** Told how far each new layer has been read, for the "Loading layer" progress. */
  onLayer?: (p: { diffId: string; current: number; total: number }) => void;
  signal?: AbortSignal;
}

/** One image a load stored. */
export interface ImageLoadResult {
  id: string;
  /** The tags it now has from the archive ("busybox:latest"). */
  refs: string[];
  /** Tags the load took from other images, with the id they named before. */
  replaced: Array<{ ref: string; id: string }>;
}

/**
 * Options of `ImageService.commitImage`: a child of `parent` with the container's changes as one
 * more layer (`docker commit`).
 */
export interface ImageCommitOptions {
  /** Id of the image the container was created from. */
  parent: string;
  /**
   * The container's changes as an uncompressed layer tar stream. Absent when it changed nothing:
   * then, as in Docker, the history gets an empty-layer entry and rootfs stays the parent's.
   */
  layer?: Readable;
  /** The new image's run config. */
  config: ImageRunConfig;
  /** Recorded as the config's `container` and `container_config`, as Docker records them. */
  containerId: string;
  containerConfig: Record<string, unknown>;
  /** The history entry's created_by: the container's command line. */
  createdBy: string;
  author?: string;
  comment?: string;
  /** "name[:tag]" to point at the new image. */
  reference?: string;
  signal?: AbortSignal;
}

/** What the image store holds on disk besides the unpacked layers (for `system df`). */
export interface ImageDiskUsage {
  /** Bytes of every stored blob: configs, manifests and layer blobs. */
  blobBytes: number;
  /** The part of `blobBytes` that is layer blobs. */
  layerBlobBytes: number;
  blobCount: number;
}

export interface ImageRemoveOptions {
  force?: boolean;
  noPrune?: boolean;
  /** Returns the ids (short or full) of containers that use the image id, so rmi can refuse with 409. */
  usedBy: (imageId: string) => string[];
  /**
   * The subset of `usedBy` that is running. Those block removal even with force (docker's "cannot be
   * forced"); when absent, every user counts as stopped, which force overrides.
   */
  runningUsedBy?: (imageId: string) => string[];
}

export interface ImageDeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ImagePruneOptions {
  /** Only dangling (untagged) images when true (Docker's default); all unused when false. */
  danglingOnly: boolean;
  /** label filters: "k", "k=v"; labelNot: the same negated. */
  labels?: string[];
  labelsNot?: string[];
  /** Keep images added after this time (ms since epoch). */
  until?: number;
  usedBy: (imageId: string) => string[];
}

export interface HistoryResponseItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/**
 * Images: metadata, tags and layers. Throws NotFoundError("No such image: <ref>") for unknown
 * references, InvalidArgumentError for malformed ones, ConflictError when an image is in use.
 */
export interface ImageService {
  /** Loads the store; seeds busybox:latest from the host's busybox-static if absent. */
  init(): Promise<void>;
  list(): ImageRecord[];
  /** Resolves "name[:tag]", "name@sha256:...", a full or short (>=1 hex char, unique) id, or "sha256:<hex>". */
  get(ref: string): ImageRecord;
  importImage(opts: ImageImportOptions): Promise<ImageRecord>;
  /**
   * Stores a committed container as a new image: the layer is unpacked on top of the parent's
   * and kept as a gzip blob in the content store (so push and save send it as it is). On failure
   * nothing of it stays: no layer, no blob, no record, no tag.
   * @throws {NotFoundError} when the parent image is gone
   * @throws {InvalidArgumentError} for a malformed or digest reference
   */
  commitImage(opts: ImageCommitOptions): Promise<ImageRecord>;
  /** Tags an existing image: `source` is any reference `get` accepts; `target` is "repo[:tag]". */
  tag(source: string, target: string): Promise<void>;
  remove(ref: string, opts: ImageRemoveOptions): Promise<ImageDeleteResponseItem[]>;
  prune(opts: ImagePruneOptions): Promise<{ ImagesDeleted: ImageDeleteResponseItem[]; SpaceReclaimed: number }>;
  history(ref: string): HistoryResponseItem[];
  /** `docker save`: the images `names` select, as one archive tar stream. */
  saveImages(names: string[], opts?: { platform?: string; signal?: AbortSignal }): Promise<Readable>;
  /** `docker load`: stores the images of an archive; all or nothing. */
  loadImages(source: Readable, opts?: ImageLoadOptions): Promise<ImageLoadResult[]>;
}

/** `system df`'s view of the image store: what its blobs take on top of the unpacked layers. */
export interface ImageDiskUsageReader {
  diskUsage(): Promise<ImageDiskUsage>;
}
