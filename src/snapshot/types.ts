import type { Readable } from 'node:stream';

/**
 * A snapshotter stacks read-only layers under one writable directory per container.
 *
 * Lifecycle for a container: `prepare(key, layers)` creates its upper and work dirs (and nothing is
 * mounted yet); `mount(key)` mounts the overlay and returns the merged path (idempotent: a second
 * call returns the same path); `unmount(key)` undoes the mount (idempotent); `remove(key)` unmounts
 * if needed and deletes the container's dirs. A failed `prepare` leaves nothing behind.
 *
 * The capabilities commit, build and `docker diff` need are separate interfaces below, so a user
 * asks for exactly what it calls ({@link SnapshotDiffer}, {@link SnapshotViewer}).
 */
export interface Snapshotter {
  prepare(key: string, layers: string[]): Promise<void>;
  mount(key: string): Promise<string>;
  unmount(key: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** Whether `key` has been prepared. */
  exists(key: string): boolean;
  /** Bytes written in the container's upper dir (for `ps -s`/SizeRw). */
  usage(key: string): Promise<number>;
}

/** Kind of a filesystem change, with the numbers /containers/{id}/changes reports. */
export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

/** One entry of a container's change list: an absolute path in its rootfs and what happened to it. */
export interface FilesystemChange {
  path: string;
  kind: ChangeKind;
}

/** Options of the {@link SnapshotDiffer} reads. */
export interface ChangesOptions {
  signal?: AbortSignal;
  /**
   * Paths (absolute, "/etc/hosts") the runtime creates only to mount something over them. An
   * empty file or directory at such a path that no layer below has is the runtime's doing, not
   * the container's: it is left out of the changes, as Docker keeps these in its init layer.
   */
  placeholders?: readonly string[];
}

/** A prepared snapshot's changes against the layers it was prepared on (commit, build, `docker diff`). */
export interface SnapshotDiffer {
  /**
   * The snapshot's changes as an OCI layer tar stream: deletions as ".wh.<name>" entries, replaced
   * directories with ".wh..wh..opq", entries in a fixed order so the same changes give the same
   * digest. Streamed; the container should be paused or stopped while it is read.
   */
  exportChanges(key: string, opts?: ChangesOptions): Readable;
  /** The change list `docker diff` shows. */
  changes(key: string, opts?: ChangesOptions): Promise<FilesystemChange[]>;
}

/** A container's whole filesystem as it sees it, for `docker export`. */
export interface RootfsExporter {
  /**
   * A tar stream of the snapshot's merged filesystem (its layers with its own changes on top),
   * read from a read-only mount of its own, so it works for stopped containers too and never
   * disturbs the container's mount. Streamed; the mount goes when the stream ends or is destroyed.
   */
  exportRootfs(key: string, opts?: { signal?: AbortSignal }): Readable;
}

/** Read-only views of layer stacks (build's `COPY --from`, comparing an image's files). */
export interface SnapshotViewer {
  /**
   * Mounts the layers (bottom first) read-only under `key` and returns the mounted directory.
   * Nothing written there is possible; `remove(key)` unmounts and forgets the view.
   */
  view(key: string, layers: string[]): Promise<string>;
  remove(key: string): Promise<void>;
}

/** A committed layer's content, as a layer tar stream (what push and save send for a local layer). */
export interface LayerExporter {
  exportLayer(chainId: string, opts?: { signal?: AbortSignal }): Readable;
}
