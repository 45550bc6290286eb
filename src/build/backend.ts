import type { Readable } from 'node:stream';
import type { JsonMessage } from '../api/progress.js';
import type { ImageConfigFile, ImageRunConfig } from '../image/types.js';

/**
 * What the builder needs from the daemon. The builder never imports the engine or the daemon
 * (DESIGN.md): the composition root implements this over the container, image and snapshot
 * services, so a step container runs with the same runtime, security defaults and networks as
 * `docker run`.
 */
export interface BuildBackend {
  /** A local image by any reference the image store accepts, or undefined when absent. */
  findImage(ref: string): BuildImage | undefined;
  /** Pulls `ref` from its registry, reporting Docker's pull progress; resolves to the stored image. */
  pullImage(ref: string, opts: { auth?: string; signal: AbortSignal; progress: (m: JsonMessage) => void }): Promise<BuildImage>;
  /** Creates (does not start) a container from an image with the step's overrides; resolves to its id. */
  createStepContainer(spec: StepContainerSpec): Promise<string>;
  /**
   * Starts a created container and waits for it to exit, passing its output on as it comes.
   * When `signal` aborts, the container is killed. Resolves to its exit code.
   */
  runStepContainer(id: string, opts: { signal: AbortSignal; output: (stream: 'stdout' | 'stderr', data: Buffer) => void }): Promise<number>;
  /** Removes a step container and its rootfs, whatever its state. */
  removeStepContainer(id: string): Promise<void>;
  /** Removes the step containers a crashed daemon left behind (at start, before any build). */
  removeLeftoverStepContainers(): Promise<void>;
  /**
   * Mounts the root filesystem of a created, never started step container for `fn` to copy
   * into or read from, and unmounts it after (whether `fn` succeeds or not).
   */
  withRootfs<T>(id: string, fn: (rootfs: StepRootfs) => Promise<T>): Promise<T>;
  /**
   * Makes the image of one step: the parent's layers, plus the changes of `containerId` as one
   * layer when it has any, with `config` as the run config and one history entry. Without a
   * container the entry is an empty layer (metadata steps).
   */
  commitStep(opts: CommitStepOptions): Promise<BuildImage>;
  /**
   * The empty image `FROM scratch` starts from: no layers, stored so that step containers can
   * be made from it. The same config always gives the same id.
   */
  scratchImage(config: { architecture: string; os: string }): Promise<BuildImage>;
  /** Points "repo:tag" at an image. */
  tagImage(id: string, ref: string): Promise<void>;
  /** Removes an image the cache made, unless it is tagged, a parent, or in use (then it stays). */
  removeUnusedImage(id: string): Promise<boolean>;
}

/**
 * A step container's mounted root filesystem. Paths are absolute inside it; symlinks on the way
 * resolve inside it, never on the host.
 */
export interface StepRootfs {
  /** What is at `path` (a symlink followed), or undefined when nothing is. */
  stat(path: string): Promise<{ isDir: boolean } | undefined>;
  /**
   * Extracts a tar (plain or compressed) into the directory `dir`, keeping the entries' owners
   * and modes; missing parents are made (root, 0755).
   */
  extract(dir: string, tar: Readable, signal: AbortSignal): Promise<void>;
  /** A small file's text (`/etc/passwd`), or undefined when absent. */
  readSmallFile(path: string): Promise<string | undefined>;
  /**
   * `path` as a tar stream, entries named from its base name down (as `GET /containers/{id}/archive`
   * gives it). Read it before `withRootfs` returns.
   */
  archive(path: string): Readable;
}

/** An image as the builder sees it. */
export interface BuildImage {
  /** "sha256:<hex>". */
  id: string;
  config: ImageConfigFile;
}

/** A RUN step's container: the parent image's config with these overrides. */
export interface StepContainerSpec {
  /** Id of the image to start from. */
  image: string;
  /** The whole command line (shell included); the image's entrypoint is not used. */
  cmd: string[];
  /** Extra variables on top of the image's (the build args a RUN sees). */
  env: string[];
  /** `bridge` (default), `host`, `none` or a network name. */
  networkMode: string;
}

export interface CommitStepOptions {
  /** The image the step ran on. */
  parent: string;
  containerId?: string;
  config: ImageRunConfig;
  /** The history entry's `created_by`, as Docker writes it. */
  createdBy: string;
  signal: AbortSignal;
}
