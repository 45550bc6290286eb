import type { Readable } from 'node:stream';
import type { BuildBackend, BuildImage, CommitStepOptions, StepContainerSpec, StepRootfs } from '../build/index.js';
import { extractTar, packPath, parseContainerPath, PinnedRoot, readSmallFile } from '../sys/fsroot/index.js';
import { closeFd, fstatFd, O_PATH } from '../sys/fsroot/root.js';
import type { ContainerService } from '../engine/container/service.js';
import { MOUNT_PLACEHOLDERS } from '../engine/container/rootfs-changes.js';
import type { ImageApi } from '../engine/image/api.js';
import type { LocalImageService, ImageRecord } from '../image/index.js';
import type { OverlaySnapshotter } from '../snapshot/index.js';
import { isNotFound, messageOf } from '../lib/errors/index.js';
import { familiarString, parseNamedReference, withDefaultTag } from '../oci/index.js';
import type { JsonMessage } from '../api/progress.js';

/** How long a step's output may trail its exit before the step moves on. */
const OUTPUT_DRAIN_MS = 2000;
/** The label of step containers. */
const STEP_LABEL = 'berth.build.step';

/**
 * The builder's needs met by the daemon's services: step containers are ordinary containers
 * (same runtime, security defaults and networks as `run`), step images are commits through the
 * image service, pulls and tags go through the image API so they emit their events.
 */
export class DaemonBuildBackend implements BuildBackend {
  constructor(private readonly deps: {
    containers: ContainerService;
    images: LocalImageService;
    imageApi: ImageApi;
    snapshotter: OverlaySnapshotter;
    log: (msg: string) => void;
  }) {}

  findImage(ref: string): BuildImage | undefined {
    try {
      return asBuildImage(this.deps.images.get(ref));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async pullImage(ref: string, opts: { auth?: string; signal: AbortSignal; progress: (m: JsonMessage) => void }): Promise<BuildImage> {
    const named = parseNamedReference(ref);
    const full = named.digest ? ref : familiarString(withDefaultTag(named));
    const pull = await this.deps.imageApi.imagePull({ fromImage: full, tag: '', auth: opts.auth, signal: opts.signal });
    await pull.run(opts.progress);
    return asBuildImage(this.deps.images.get(full));
  }

  async createStepContainer(spec: StepContainerSpec): Promise<string> {
    const { Id } = await this.deps.containers.create({
      Image: spec.image,
      Cmd: spec.cmd,
      // The image's entrypoint is not the step's: RUN runs its command line alone.
      Entrypoint: [''],
      Env: spec.env,
      // Marks it as a step, so one a crash left behind is known at the next start.
      Labels: { [STEP_LABEL]: 'true' },
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: { NetworkMode: spec.networkMode === 'default' ? 'bridge' : spec.networkMode },
    });
    return Id;
  }

  async runStepContainer(id: string, opts: { signal: AbortSignal; output: (stream: 'stdout' | 'stderr', data: Buffer) => void }): Promise<number> {
    opts.signal.throwIfAborted();
    let ended!: () => void;
    const outputDone = new Promise<void>((resolve) => { ended = resolve; });
    const session = await this.deps.containers.attach(id, { output: (s, d) => opts.output(s, d), end: () => ended() }, { stdin: false, stdout: true, stderr: true });
    const exited = this.deps.containers.wait(id, 'next-exit');
    const kill = (): void => {
      this.deps.containers.kill(id, 'SIGKILL').catch((err) => this.deps.log(`killing build step ${id}: ${messageOf(err)}`));
    };
    opts.signal.addEventListener('abort', kill, { once: true });
    try {
      await this.deps.containers.start(id);
      const result = await exited;
      // The exit can overtake the last output; wait for the stream's end, not forever.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([outputDone, new Promise<void>((r) => { timer = setTimeout(r, OUTPUT_DRAIN_MS); })]);
      clearTimeout(timer);
      opts.signal.throwIfAborted();
      return result.StatusCode;
    } finally {
      opts.signal.removeEventListener('abort', kill);
      session.close();
    }
  }

  async removeStepContainer(id: string): Promise<void> {
    await this.deps.containers.remove(id, { force: true, background: true }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async removeLeftoverStepContainers(): Promise<void> {
    for (const c of this.deps.containers.store.list()) {
      if (c.config.Labels?.[STEP_LABEL] === undefined) continue;
      await this.removeStepContainer(c.id).catch((err) => this.deps.log(`removing leftover build step ${c.id}: ${messageOf(err)}`));
    }
  }

  async withRootfs<T>(id: string, fn: (rootfs: StepRootfs) => Promise<T>): Promise<T> {
    // One mount for the whole step, not one per file operation: the step container is never
    // started, and nothing but this build uses it.
    const merged = await this.deps.snapshotter.mount(id);
    let root: PinnedRoot | undefined;
    try {
      root = PinnedRoot.open(merged);
      return await fn(pinnedRootfs(root));
    } finally {
      root?.close();
      await this.deps.snapshotter.unmount(id).catch((err) => this.deps.log(`unmounting build step ${id}: ${messageOf(err)}`));
    }
  }

  async commitStep(opts: CommitStepOptions): Promise<BuildImage> {
    let layer: Readable | undefined;
    if (opts.containerId) {
      const changes = await this.deps.snapshotter.changes(opts.containerId, { placeholders: MOUNT_PLACEHOLDERS });
      if (changes.length > 0) layer = this.deps.snapshotter.exportChanges(opts.containerId, { placeholders: MOUNT_PLACEHOLDERS, signal: opts.signal });
    }
    const rec = await this.deps.images.commitImage({
      parent: opts.parent,
      layer,
      config: opts.config,
      containerId: opts.containerId ?? '',
      containerConfig: {},
      createdBy: opts.createdBy,
      signal: opts.signal,
    });
    return asBuildImage(rec);
  }

  async scratchImage(platform: { architecture: string; os: string }): Promise<BuildImage> {
    // No `created` field: the same platform always gives the same config, so the same id.
    const config = Buffer.from(JSON.stringify({
      architecture: platform.architecture, os: platform.os, config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [],
    }));
    const rec = await this.deps.images.addImage({ config, openLayer: () => Promise.reject(new Error('scratch has no layers')) });
    return asBuildImage(rec);
  }

  async tagImage(id: string, ref: string): Promise<void> {
    const r = withDefaultTag(parseNamedReference(ref));
    await this.deps.imageApi.imageTag(id, r.familiarName, r.tag ?? 'latest');
  }

  async removeUnusedImage(id: string): Promise<boolean> {
    let img: ImageRecord;
    try {
      img = this.deps.images.get(id);
    } catch {
      return false;
    }
    if (img.repoTags.length > 0 || img.repoDigests.length > 0) return false;
    if (this.deps.containers.imageUsers(img.id).length > 0) return false;
    // The cache prune walks every cached image itself, newest first: pruning parents here would
    // remove images it has yet to count.
    await this.deps.imageApi.imageDelete(img.id, { force: false, noPrune: true });
    return true;
  }
}

/** The StepRootfs operations over a pinned root: every lookup stays inside it. */
function pinnedRootfs(root: PinnedRoot): StepRootfs {
  return {
    async stat(path) {
      let fd: number;
      try {
        fd = root.open(parseContainerPath(path).clean, O_PATH());
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return undefined;
        throw err;
      }
      try {
        return { isDir: (await fstatFd(fd)).isDirectory() };
      } finally {
        closeFd(fd);
      }
    },
    extract: (dir, tar, signal) => extractTar(root, parseContainerPath(dir).clean, tar, { noOverwriteDirNonDir: false, owner: null, signal }),
    readSmallFile: async (path) => (await readSmallFile(root, path).catch(() => null)) ?? undefined,
    archive: (path) => packPath(root, parseContainerPath(path)),
  };
}

function asBuildImage(rec: ImageRecord): BuildImage {
  return { id: rec.id, config: rec.config };
}
