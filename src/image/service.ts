import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ConflictError, InvalidArgumentError, isInvalidArgument, NotFoundError } from '../lib/errors/index.js';
import { opaqueDirsNeedLowerDirs, unpackLayer } from '../lib/tar/index.js';
import { packLayer } from '../lib/tar/index.js';
import {
  chainIds, checkDescriptor, Digester, familiarDigested, familiarTagged, isDigest, layerCompression, parseNamedReference, parseReference, sha256Digest,
  type ImageReference,
} from '../oci/index.js';
import { readArchiveImages } from './archive/read.js';
import { SpooledArchive } from './archive/spool.js';
import { writeImageArchive, type SaveImage, type SaveLayer } from './archive/write.js';
import { KeyedLock } from '../lib/sync/keyed-lock.js';
import type { OverlaySnapshotter } from '../snapshot/overlay.js';
import { LocalContentStore } from './content/store.js';
import type { ContentWriter } from './content/types.js';
import { LayerBlobIndex, type LayerBlob } from './layer-blobs.js';
import { ingestLayer, packLayerBlob } from './layer-ingest.js';
import { BUSYBOX_EPOCH, busyboxRootfsTar, HOST_BUSYBOX } from './busybox-rootfs.js';
import { applyChanges } from './changes.js';
import { labelsMatch } from './filters.js';
import { ImageMetadataStore, type StoredImage } from './metadata-store.js';
import { imageNotFound } from './not-found.js';
import { ImagePaths } from './paths.js';
import { parsePlatform } from './platform.js';
import { planImageRemoval } from './remove-policy.js';
import type {
  HistoryResponseItem, ImageAddOptions, ImageCommitOptions, ImageConfigFile, ImageDeleteResponseItem, ImageImportOptions, ImagePruneOptions,
  ImageDiskUsage, ImageDiskUsageReader, ImageLoadOptions, ImageLoadResult, ImageRecord, ImageRemoveOptions, ImageRunConfig, ImageService,
} from './types.js';

/** Constructor options of {@link LocalImageService}. */
export interface LocalImageServiceOptions {
  /** Directory for blobs and image metadata (see paths.ts). */
  root: string;
  /** Where layers are unpacked and stacked. */
  snapshotter: OverlaySnapshotter;
  /** Seed busybox:latest at init when absent (default true). */
  seedBusybox?: boolean;
  /** The busybox binary to seed from (default /bin/busybox). */
  busyboxPath?: string;
  /** Told about images skipped at load because their files are damaged. */
  onWarning?: (message: string) => void;
}

/** Options of the internal rootfs import shared by `importImage` and the busybox seed. */
interface RootfsImport {
  source: Readable;
  reference?: string;
  config: ImageRunConfig;
  created: string;
  history: NonNullable<ImageConfigFile['history']>[number];
  platform?: string;
  signal?: AbortSignal;
}

const HEX_PREFIX = /^[a-f0-9]{1,64}$/;
const STORE_LOCK = 'store';
/** New layers of one image unpacked at once (each in a worker thread of its own). */
const LAYERS_AT_ONCE = 2;

/**
 * Images stored on this host: configs in a verified blob store, records and tags in small
 * atomically written JSON files, layers unpacked once into the overlay snapshotter.
 *
 * A container's rootfs comes from the snapshotter: `snapshotter.prepare(key, image.layers)` then
 * `snapshotter.mount(key)`.
 */
export class LocalImageService implements ImageService, ImageDiskUsageReader {
  readonly paths: ImagePaths;
  readonly #content: LocalContentStore;
  readonly #layerBlobs: LayerBlobIndex;
  /** One blob-making at a time per layer, so two pushes of a new local layer compress it once. */
  readonly #blobLocks = new KeyedLock();
  private readonly meta: ImageMetadataStore;
  private readonly snapshotter: OverlaySnapshotter;
  private readonly lock = new KeyedLock();
  /** Layers an add in progress has committed but no image record names yet: GC leaves them alone. */
  private readonly pinned = new Map<string, number>();

  constructor(private readonly opts: LocalImageServiceOptions) {
    this.paths = new ImagePaths(opts.root);
    this.#content = new LocalContentStore({ blobs: this.paths.blobs, ingest: this.paths.ingest });
    this.#layerBlobs = new LayerBlobIndex(this.paths.layerBlobs);
    this.meta = new ImageMetadataStore(this.paths, this.#content);
    this.snapshotter = opts.snapshotter;
  }

  async init(): Promise<void> {
    await this.snapshotter.init();
    await this.#content.init();
    await this.#layerBlobs.load();
    const skipped = await this.meta.load();
    for (const id of skipped) this.opts.onWarning?.(`image ${id} skipped: its record or config is missing or corrupt`);
    await this.lock.run(STORE_LOCK, async () => {
      await this.collectLayers();
      await this.#sweepBlobs();
    });
    if (this.opts.seedBusybox !== false) await this.seedBusybox();
  }

  // ---- lookups ------------------------------------------------------------------------------

  list(): ImageRecord[] {
    return this.meta.ids().map((id) => this.meta.record(id)!).sort((a, b) => b.addedAt - a.addedAt);
  }

  get(ref: string): ImageRecord {
    const id = this.resolve(ref);
    if (id === undefined) throw imageNotFound(ref);
    return this.meta.record(id)!;
  }

  /** The id `ref` names, or undefined. Names win over id prefixes, as in docker. */
  private resolve(ref: string): string | undefined {
    if (isDigest(ref)) return this.meta.has(ref) ? ref : undefined;
    let parsed;
    let parseError: unknown;
    try {
      parsed = parseReference(ref);
    } catch (err) {
      parseError = err;
    }
    if (parsed) {
      if (parsed.digest !== undefined) {
        const byDigest = this.meta.lookupRef(`${parsed.familiarName}@${parsed.digest}`);
        if (byDigest) return byDigest;
      } else {
        const byTag = this.meta.lookupRef(familiarTagged(parsed));
        if (byTag) return byTag;
      }
    }
    const hex = ref.startsWith('sha256:') ? ref.slice('sha256:'.length) : ref;
    if (!HEX_PREFIX.test(hex)) {
      if (!parsed) throw parseError;
      return undefined;
    }
    const matches = this.meta.ids().filter((id) => id.startsWith(`sha256:${hex}`));
    return matches.length === 1 ? matches[0] : undefined;
  }

  history(ref: string): HistoryResponseItem[] {
    const img = this.get(ref);
    const sizes = this.layerSizes.get(img.id) ?? [];
    const entries = img.config.history ?? [];
    // Without history, docker shows one row for the whole image.
    const rows = entries.length > 0 ? entries : [{ created: img.config.created, empty_layer: false }];
    let layer = 0;
    const out: HistoryResponseItem[] = rows.map((h) => ({
      Id: '<missing>',
      Created: h.created ? Math.floor(Date.parse(h.created) / 1000) || 0 : 0,
      CreatedBy: h.created_by ?? '',
      Tags: null,
      Size: h.empty_layer ? 0 : entries.length > 0 ? (sizes[layer++] ?? 0) : img.size,
      Comment: h.comment ?? '',
    }));
    out.reverse();
    out[0]!.Id = img.id;
    out[0]!.Tags = img.repoTags.length > 0 ? img.repoTags : null;
    return out;
  }

  /** Layer sizes of each image, bottom first, cached when records are loaded or created. */
  private readonly layerSizes = new Map<string, number[]>();

  private async cacheLayerSizes(id: string, layers: string[]): Promise<void> {
    const sizes: number[] = [];
    for (const l of layers) sizes.push((await this.snapshotter.layerInfo(l).catch(() => ({ size: 0 }))).size);
    this.layerSizes.set(id, sizes);
  }

  // ---- import -------------------------------------------------------------------------------

  async importImage(opts: ImageImportOptions): Promise<ImageRecord> {
    // Validate everything cheap before consuming a possibly huge stream.
    if (opts.reference) parseNamedReference(opts.reference);
    const config = applyChanges({}, opts.changes ?? []);
    const created = new Date().toISOString();
    return this.importRootfs({
      source: opts.source,
      reference: opts.reference,
      config,
      created,
      history: { created, comment: opts.message || 'Imported from -' },
      platform: opts.platform,
      signal: opts.signal,
    });
  }

  private async importRootfs(req: RootfsImport): Promise<ImageRecord> {
    const target = req.reference ? parseNamedReference(req.reference) : undefined;
    if (target?.digest) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
    const platform = parsePlatform(req.platform);
    const staged = await this.snapshotter.stageLayer();
    let diff;
    try {
      const unpacked = await unpackLayer(req.source, staged.dir, { allowDevices: process.getuid?.() === 0, signal: req.signal });
      // The layer is named by berth's own packing of what was unpacked, not by the bytes given:
      // that tar can be made again whenever a push or save needs the layer (see paths.ts).
      const packed = await this.#packedDigest(staged.dir, req.signal);
      diff = { diffId: packed.digest, tarSize: packed.size, size: unpacked.size };
    } catch (err) {
      await staged.discard();
      throw err;
    }
    const [chainId] = chainIds([diff.diffId]) as [string];
    const config: ImageConfigFile = {
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      os: platform.os,
      created: req.created,
      config: req.config,
      rootfs: { type: 'layers', diff_ids: [diff.diffId] },
      history: [req.history],
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const id = sha256Digest(configBytes);
    return this.lock.run(STORE_LOCK, async () => {
      const { created: newLayer } = await staged.commit({ chainId, diffId: diff.diffId, size: diff.size });
      try {
        await this.#layerBlobs.setTarSize(diff.diffId, diff.tarSize);
        if (!this.meta.has(id)) {
          await this.#content.putBlob(configBytes, { digest: id });
          const stored: StoredImage = { id, layers: [chainId], parent: '', addedAt: Date.now(), size: diff.size };
          await this.meta.putImage(stored, config);
        }
        await this.cacheLayerSizes(id, [chainId]);
        if (target) await this.meta.setRefs([{ ref: familiarTagged(target), kind: 'tag' }], id);
      } catch (err) {
        // Undo in reverse: the image only counts once its record exists; a fresh layer goes too.
        if (newLayer && !this.meta.layersInUse().has(chainId)) await this.snapshotter.removeLayer(chainId).catch(() => undefined);
        throw err;
      }
      return this.meta.record(id)!;
    });
  }

  async commitImage(opts: ImageCommitOptions): Promise<ImageRecord> {
    const target = opts.reference ? parseNamedReference(opts.reference) : undefined;
    if (target?.digest) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
    const parent = this.get(opts.parent);
    const created = new Date().toISOString();
    const diffIds = [...parent.config.rootfs.diff_ids];
    const pins = [...parent.layers];
    // What this commit made, for the undo: the layer's ids, its blob, whether the layer dir is new.
    let newLayer: { chainId: string; diffId: string; blob: string; created: boolean } | undefined;
    let size = parent.size;
    const pin = (keys: string[]): void => { for (const k of keys) this.pinned.set(k, (this.pinned.get(k) ?? 0) + 1); };
    pin(pins);
    try {
      if (opts.layer) {
        const staged = await this.snapshotter.stageLayer();
        try {
          const { unpacked, blob } = await ingestLayer(opts.layer, staged.dir, this.#content, {
            allowDevices: process.getuid?.() === 0, lowerDirs: this.snapshotter.lowerDirs(parent.layers), signal: opts.signal,
          });
          const chainId = chainIds([...diffIds, unpacked.diffId]).at(-1)!;
          pin([chainId, unpacked.diffId]);
          pins.push(chainId, unpacked.diffId);
          newLayer = { chainId, diffId: unpacked.diffId, blob: blob.digest, created: false };
          await this.#layerBlobs.add(unpacked.diffId, blob, unpacked.tarSize);
          newLayer.created = (await staged.commit({ chainId, diffId: unpacked.diffId, size: unpacked.size })).created;
          diffIds.push(unpacked.diffId);
          size += (await this.snapshotter.layerInfo(chainId)).size;
        } catch (err) {
          await staged.discard();
          throw err;
        }
      }
      const pc = parent.config;
      const config: ImageConfigFile = {
        architecture: pc.architecture,
        ...(pc.variant ? { variant: pc.variant } : {}),
        os: pc.os,
        ...(pc['os.version'] ? { 'os.version': pc['os.version'] } : {}),
        created,
        ...(opts.author ? { author: opts.author } : {}),
        config: opts.config,
        container: opts.containerId,
        container_config: opts.containerConfig,
        rootfs: { type: 'layers', diff_ids: diffIds },
        history: [...(pc.history ?? []), {
          created, ...(opts.author ? { author: opts.author } : {}), created_by: opts.createdBy,
          ...(opts.comment ? { comment: opts.comment } : {}), ...(opts.layer ? {} : { empty_layer: true }),
        }],
      };
      const configBytes = Buffer.from(JSON.stringify(config));
      const id = sha256Digest(configBytes);
      const layers = newLayer ? [...parent.layers, newLayer.chainId] : [...parent.layers];
      return await this.lock.run(STORE_LOCK, async () => {
        if (!this.meta.has(id)) {
          await this.#content.putBlob(configBytes, { digest: id });
          await this.meta.putImage({ id, layers, parent: parent.id, addedAt: Date.now(), size }, config);
        }
        await this.cacheLayerSizes(id, layers);
        if (target) await this.meta.setRefs([{ ref: familiarTagged(target), kind: 'tag' }], id);
        return this.meta.record(id)!;
      });
    } catch (err) {
      await this.lock.run(STORE_LOCK, async () => {
        if (!newLayer) return;
        // Another add or commit may share the layer: only ours pins it once.
        const shared = (k: string): boolean => (this.pinned.get(k) ?? 0) > 1;
        if (newLayer.created && !this.meta.layersInUse().has(newLayer.chainId) && !shared(newLayer.chainId)) {
          await this.snapshotter.removeLayer(newLayer.chainId).catch(() => undefined);
        }
        if (!shared(newLayer.diffId)) {
          const used = new Set<string>();
          for (const i of this.meta.ids()) for (const d of this.meta.record(i)!.config.rootfs?.diff_ids ?? []) used.add(d);
          if (!used.has(newLayer.diffId)) {
            for (const b of await this.#layerBlobs.forget(newLayer.diffId)) await this.#content.delete(b.digest);
            if (this.#layerBlobs.diffIdOf(newLayer.blob) === undefined) await this.#content.delete(newLayer.blob);
          }
        }
      });
      throw err;
    } finally {
      for (const c of pins) {
        const n = (this.pinned.get(c) ?? 1) - 1;
        if (n <= 0) this.pinned.delete(c);
        else this.pinned.set(c, n);
      }
    }
  }

  /**
   * Stores an image from its config blob and layers (for `load`, pull, build). Layers already
   * stored are not opened again; each new one is unpacked on top of its parents and must match
   * its DiffID. On failure, layers this call created are removed again.
   */
  async addImage(opts: ImageAddOptions): Promise<ImageRecord> {
    const id = sha256Digest(opts.config);
    let config: ImageConfigFile;
    try {
      config = JSON.parse(opts.config.toString('utf8')) as ImageConfigFile;
    } catch (err) {
      throw new InvalidArgumentError(`invalid image config: ${(err as Error).message}`);
    }
    const diffIds = config?.rootfs?.diff_ids;
    if (!Array.isArray(diffIds) || !diffIds.every((d) => typeof d === 'string' && isDigest(d))) {
      throw new InvalidArgumentError('invalid image config: rootfs.diff_ids must list sha256 digests');
    }
    const refs = (opts.references ?? []).map((r) => {
      const p = parseNamedReference(r);
      return p.digest !== undefined
        ? { ref: familiarDigested({ ...p, digest: p.digest }), kind: 'digest' as const }
        : { ref: familiarTagged(p), kind: 'tag' as const };
    });
    if (opts.parent && !isDigest(opts.parent)) throw new InvalidArgumentError(`invalid parent image id: ${opts.parent}`);
    const descriptors = opts.layers?.map((d, i) => d && checkDescriptor(d, `layer ${i} descriptor`));
    if (descriptors && descriptors.length !== diffIds.length) {
      throw new InvalidArgumentError(`image has ${diffIds.length} layers but ${descriptors.length} layer descriptors were given`);
    }
    const chain = chainIds(diffIds);
    const createdLayers: string[] = [];
    // A set: the bottom layer's chain id is its diff id, and pinning it twice made the undo below
    // think another add shared it.
    const pins = new Set([...chain, ...diffIds]);
    for (const c of pins) this.pinned.set(c, (this.pinned.get(c) ?? 0) + 1);
    try {
      const missing: number[] = [];
      for (let i = 0; i < chain.length; i++) if (!(await this.snapshotter.hasLayer(chain[i]!))) missing.push(i);
      // Each layer unpacks into a dir of its own, so two can go at once (one per core, each in
      // its own worker); only spelling opaque dirs without setfattr reads the layers below.
      const atOnce = missing.length > 1 && !(await opaqueDirsNeedLowerDirs()) ? LAYERS_AT_ONCE : 1;
      await this.#addLayers(missing, atOnce, async (i, signal) => {
        // Opened first, so layers are opened in order however the lanes' awaits interleave.
        const source = await opts.openLayer(i, diffIds[i]!);
        let staged;
        try {
          staged = await this.snapshotter.stageLayer();
        } catch (err) {
          source.destroy();
          throw err;
        }
        try {
          const { unpacked: r, blob } = await ingestLayer(source, staged.dir, this.#content, {
            allowDevices: process.getuid?.() === 0,
            lowerDirs: this.snapshotter.lowerDirs(chain.slice(0, i)),
            signal,
          }, descriptors?.[i], opts.blobsStored === true);
          if (r.diffId !== diffIds[i]) {
            if (this.#layerBlobs.diffIdOf(blob.digest) === undefined) await this.#content.delete(blob.digest);
            throw new InvalidArgumentError(`layer ${i} does not match the image config: got diff id ${r.diffId}, expected ${diffIds[i]}`);
          }
          await this.#layerBlobs.add(r.diffId, blob, r.tarSize);
          if ((await staged.commit({ chainId: chain[i]!, diffId: r.diffId, size: r.size })).created) createdLayers.push(chain[i]!);
          opts.onLayerStored?.(i);
        } catch (err) {
          await staged.discard();
          throw err;
        }
      }, opts.signal);
      let size = 0;
      for (const c of chain) size += (await this.snapshotter.layerInfo(c)).size;
      return await this.lock.run(STORE_LOCK, async () => {
        if (!this.meta.has(id)) {
          await this.#content.putBlob(opts.config, { digest: id });
          await this.meta.putImage({ id, layers: chain, parent: opts.parent ?? '', addedAt: Date.now(), size }, config);
        }
        await this.cacheLayerSizes(id, chain);
        if (refs.length > 0) await this.meta.setRefs(refs, id);
        return this.meta.record(id)!;
      });
    } catch (err) {
      await this.lock.run(STORE_LOCK, async () => {
        const used = this.meta.layersInUse();
        for (const c of createdLayers.reverse()) {
          // Another add in progress may share the layer (its pin is on top of ours).
          if (!used.has(c) && (this.pinned.get(c) ?? 0) <= 1) await this.snapshotter.removeLayer(c).catch(() => undefined);
        }
      });
      throw err;
    } finally {
      for (const c of pins) {
        const n = (this.pinned.get(c) ?? 1) - 1;
        if (n <= 0) this.pinned.delete(c);
        else this.pinned.set(c, n);
      }
    }
  }

  /**
   * Runs `add` for each layer index, `atOnce` at a time, starting them in order. The first failure
   * stops the others (through the signal `add` gets) and is thrown once all have settled, so the
   * caller's undo sees every layer that was committed.
   */
  async #addLayers(indices: number[], atOnce: number, add: (i: number, signal: AbortSignal) => Promise<void>, outer?: AbortSignal): Promise<void> {
    const stop = new AbortController();
    const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal;
    let failure: { err: unknown } | undefined;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < indices.length && failure === undefined) {
        const i = indices[next++]!;
        try {
          signal.throwIfAborted();
          await add(i, signal);
        } catch (err) {
          failure ??= { err };
          stop.abort(err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(atOnce, indices.length) }, lane));
    if (failure) throw failure.err;
  }

  private async seedBusybox(): Promise<void> {
    if (this.resolve('busybox:latest') !== undefined) return;
    const bin = this.opts.busyboxPath ?? HOST_BUSYBOX;
    try {
      await access(bin);
    } catch {
      this.opts.onWarning?.(`busybox:latest not seeded: ${bin} not found (install busybox-static)`);
      return;
    }
    const created = BUSYBOX_EPOCH.toISOString();
    await this.importRootfs({
      source: busyboxRootfsTar(bin),
      reference: 'busybox:latest',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
      created,
      history: { created, created_by: `berth: rootfs from the host's ${bin} (busybox-static)`, comment: 'berth built-in image' },
    });
  }

  // ---- tags ---------------------------------------------------------------------------------

  async tag(source: string, target: string): Promise<void> {
    const img = this.get(source);
    const ref = parseNamedReference(target);
    if (ref.digest !== undefined) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
    await this.lock.run(STORE_LOCK, async () => {
      if (!this.meta.has(img.id)) throw imageNotFound(source);
      await this.meta.setRefs([{ ref: familiarTagged(ref), kind: 'tag' }], img.id);
    });
  }

  // ---- removal ------------------------------------------------------------------------------

  async remove(ref: string, opts: ImageRemoveOptions): Promise<ImageDeleteResponseItem[]> {
    return this.lock.run(STORE_LOCK, () => this.removeLocked(ref, opts));
  }

  private async removeLocked(ref: string, opts: ImageRemoveOptions): Promise<ImageDeleteResponseItem[]> {
    const id = this.resolve(ref);
    if (id === undefined) throw imageNotFound(ref);
    const plan = planImageRemoval({
      ref,
      id,
      refs: [...this.meta.tagsOf(id), ...this.meta.digestsOf(id)],
      users: opts.usedBy(id),
      running: opts.runningUsedBy?.(id) ?? [],
      force: opts.force === true,
    });
    const records: ImageDeleteResponseItem[] = [];
    for (const r of await this.meta.removeRefs(plan.untag)) records.push({ Untagged: r });
    if (!plan.deleteImage) return records;
    let parent = this.meta.record(id)?.parent ?? '';
    records.push(...(await this.deleteImage(id)));
    // Docker's rmi (without --no-prune) takes the untagged parents along, as far as nothing else
    // names, runs on or builds on them: else every build leaves its step images behind for good.
    while (!opts.noPrune && parent && this.#prunableParent(parent, opts)) {
      const next = this.meta.record(parent)?.parent ?? '';
      records.push(...(await this.deleteImage(parent)));
      parent = next;
    }
    return records;
  }

  /** An image rmi may take along with its child: untagged, unused, and no other image's parent. */
  #prunableParent(id: string, opts: ImageRemoveOptions): boolean {
    if (!this.meta.has(id)) return false;
    if (this.meta.tagsOf(id).length > 0 || this.meta.digestsOf(id).length > 0) return false;
    if (opts.usedBy(id).length > 0) return false;
    return !this.meta.ids().some((other) => this.meta.record(other)?.parent === id);
  }

  /** Deletes an image whose references are gone, then the layers nothing else uses. */
  private async deleteImage(id: string): Promise<ImageDeleteResponseItem[]> {
    await this.meta.deleteImage(id);
    this.layerSizes.delete(id);
    const records: ImageDeleteResponseItem[] = [{ Deleted: id }];
    for (const { chainId } of await this.collectLayers()) records.push({ Deleted: chainId });
    return records;
  }

  /** Removes committed layers no image and no snapshot uses; returns them with their sizes. */
  private async collectLayers(): Promise<Array<{ chainId: string; size: number }>> {
    const keep = this.meta.layersInUse();
    for (const l of this.snapshotter.layersInUse()) keep.add(l);
    for (const l of this.pinned.keys()) keep.add(l);
    const removed: Array<{ chainId: string; size: number }> = [];
    for (const chainId of await this.snapshotter.listLayers()) {
      if (keep.has(chainId)) continue;
      const size = (await this.snapshotter.layerInfo(chainId).catch(() => ({ size: 0 }))).size;
      await this.snapshotter.removeLayer(chainId);
      removed.push({ chainId, size });
    }
    // Loaded images need their layer sizes for history.
    for (const id of this.meta.ids()) if (!this.layerSizes.has(id)) await this.cacheLayerSizes(id, this.meta.record(id)!.layers);
    await this.#collectLayerBlobs();
    return removed;
  }

  /** Diff ids some image names (or an add in progress is storing). */
  #diffIdsInUse(): Set<string> {
    const used = new Set<string>(this.pinned.keys());
    for (const id of this.meta.ids()) for (const d of this.meta.record(id)!.config.rootfs?.diff_ids ?? []) used.add(d);
    return used;
  }

  /** Drops the blobs of layers no image names any more. */
  async #collectLayerBlobs(): Promise<void> {
    const used = this.#diffIdsInUse();
    for (const diffId of this.#layerBlobs.diffIds()) {
      if (used.has(diffId)) continue;
      for (const b of await this.#layerBlobs.forget(diffId)) await this.#content.delete(b.digest);
    }
  }

  /** At start only (nothing is being written): deletes blobs that no record refers to. */
  async #sweepBlobs(): Promise<void> {
    const keep = new Set<string>(this.meta.ids());
    for (const d of this.#layerBlobs.diffIds()) for (const b of this.#layerBlobs.blobsOf(d)) keep.add(b.digest);
    for (const { digest } of await this.#content.list()) if (!keep.has(digest)) await this.#content.delete(digest);
  }

  /** sha256 of berth's deterministic packing of an unpacked layer dir (read once, nothing written). */
  async #packedDigest(dir: string, signal?: AbortSignal): Promise<{ digest: string; size: number }> {
    const d = new Digester();
    for await (const chunk of packLayer(dir, signal ? { signal } : {})) d.update(chunk as Buffer);
    return { digest: d.digest(), size: d.size };
  }

  // ---- blobs for push and save ----------------------------------------------------------------

  /**
   * The blob to send for layer `index` (bottom first) of an image: the one kept when the layer
   * arrived, or, for a layer berth made, a gzip blob made now from the unpacked layer and kept
   * (see paths.ts). Read it with {@link openBlob}.
   */
  async layerBlob(imageRef: string, index: number): Promise<LayerBlob> {
    const img = this.get(imageRef);
    const chainId = img.layers[index];
    const diffId = img.config.rootfs.diff_ids[index];
    if (chainId === undefined || diffId === undefined) throw new InvalidArgumentError(`image ${img.id} has no layer ${index}`);
    return this.#blobLocks.run(diffId, async () => {
      for (const b of this.#layerBlobs.blobsOf(diffId)) if (await this.#content.has(b.digest)) return b;
      const blob = await packLayerBlob(this.snapshotter.exportLayer(chainId), diffId, this.#content);
      await this.lock.run(STORE_LOCK, async () => {
        // The image may have gone meanwhile: then the blob has nothing to belong to.
        if (!this.#diffIdsInUse().has(diffId)) {
          await this.#content.delete(blob.digest);
          throw imageNotFound(imageRef);
        }
        await this.#layerBlobs.add(diffId, blob);
      });
      return blob;
    });
  }

  // ---- for the registry client (distribution/) ------------------------------------------------

  /** Whether layer `chainId` is unpacked here. */
  hasLayer(chainId: string): Promise<boolean> {
    return this.snapshotter.hasLayer(chainId);
  }

  hasBlob(digest: string): Promise<boolean> {
    return this.#content.has(digest);
  }

  /** A writer into the content store: a pull downloads each blob through one and commits it verified. */
  blobWriter(): Promise<ContentWriter> {
    return this.#content.writer();
  }

  /**
   * Deletes blobs a failed pull stored, with the layer records no image needs any more; a blob
   * that an image (or an add in progress) names is kept.
   */
  async discardBlobs(digests: string[]): Promise<void> {
    await this.lock.run(STORE_LOCK, async () => {
      await this.#collectLayerBlobs();
      for (const d of digests) {
        if (this.#layerBlobs.diffIdOf(d) !== undefined || this.meta.has(d)) continue;
        await this.#content.delete(d);
      }
    });
  }

  /** Points digest references ("name@sha256:…") at an existing image, as a push records them. */
  async addDigestReferences(id: string, refs: string[]): Promise<void> {
    const parsed = refs.map((r) => {
      const p = parseNamedReference(r);
      if (p.digest === undefined) throw new InvalidArgumentError(`not a digest reference: ${r}`);
      return { ref: familiarDigested({ ...p, digest: p.digest }), kind: 'digest' as const };
    });
    await this.lock.run(STORE_LOCK, async () => {
      if (!this.meta.has(id)) throw imageNotFound(id);
      await this.meta.setRefs(parsed, id);
    });
  }

  /** A stored blob (config, manifest, layer) as a verified stream. */
  openBlob(digest: string, opts: { signal?: AbortSignal } = {}): Promise<Readable> {
    return this.#content.reader(digest, opts);
  }

  // ---- save and load ------------------------------------------------------------------------

  /**
   * Layer `index` of `img` as the uncompressed tar an archive holds, by the cheapest way there:
   * a blob kept uncompressed is copied; a gzip blob is decompressed as it streams; a layer berth
   * made and never compressed is packed again from its files. The tar header needs the size up
   * front: it is recorded when a layer arrives, and otherwise counted once and recorded.
   */
  async #layerTar(img: ImageRecord, index: number, signal?: AbortSignal): Promise<SaveLayer> {
    const diffId = img.config.rootfs.diff_ids[index]!;
    const chainId = img.layers[index]!;
    let open: (signal?: AbortSignal) => Promise<Readable>;
    let plain: LayerBlob | undefined;
    let gzip: LayerBlob | undefined;
    for (const b of this.#layerBlobs.blobsOf(diffId)) {
      if (!(await this.#content.has(b.digest))) continue;
      if (layerCompression(b.mediaType) === 'none') plain ??= b;
      if (layerCompression(b.mediaType) === 'gzip') gzip ??= b;
    }
    if (plain) {
      const blob = plain;
      // The store's reader checks the blob's digest, which for a plain tar is the diff id.
      return { diffId, size: blob.size, selfVerified: blob.digest === diffId, open: (sig) => this.#content.reader(blob.digest, sig ? { signal: sig } : {}) };
    }
    if (gzip) {
      const blob = gzip;
      open = async (sig) => {
        const gunzip = createGunzip({ chunkSize: 256 * 1024 });
        pipeline(await this.#content.reader(blob.digest, sig ? { signal: sig } : {}), gunzip).catch((err: Error) => gunzip.destroy(err));
        return gunzip;
      };
    } else {
      open = async (sig) => this.snapshotter.exportLayer(chainId, sig ? { signal: sig } : {});
    }
    let size = this.#layerBlobs.tarSizeOf(diffId);
    if (size === undefined) {
      const d = new Digester();
      await pipeline(await open(signal), new Transform({ transform(chunk: Buffer, _e, cb) { d.update(chunk); cb(); } }), signal ? { signal } : {});
      if (d.digest() !== diffId) {
        throw new ConflictError(`layer ${diffId} cannot be reproduced from what is stored (it reads as ${d.digest()}): import or load the image again`);
      }
      size = d.size;
      await this.#layerBlobs.setTarSize(diffId, size);
    }
    return { diffId, size, open };
  }

  /** The images `names` select for a save, each with the tags to record for it, in order. */
  #saveTargets(names: string[], platform?: string): Map<string, string[]> {
    const want = platform ? parsePlatform(platform) : undefined;
    const out = new Map<string, string[]>();
    const addTag = (id: string, tag?: string): void => {
      const tags = out.get(id) ?? [];
      if (tag && !tags.includes(tag)) tags.push(tag);
      out.set(id, tags);
    };
    for (const name of names) {
      let ref: ImageReference | undefined;
      try {
        ref = parseReference(name);
      } catch {
        ref = undefined;
      }
      const found: Array<[string, string | undefined]> = [];
      if (ref && ref.tag === undefined && ref.digest === undefined) {
        // A bare repository name saves every tag of it, as docker does.
        for (const img of this.list()) {
          for (const t of img.repoTags) if (t.slice(0, t.lastIndexOf(':')) === ref.familiarName) found.push([img.id, t]);
        }
      }
      if (found.length === 0) {
        const img = this.get(name);
        found.push([img.id, ref && ref.digest === undefined && this.meta.lookupRef(familiarTagged(ref)) === img.id ? familiarTagged(ref) : undefined]);
      }
      for (const [id, tag] of found) {
        const cfg = this.meta.record(id)!.config;
        if (want && (cfg.os !== want.os || cfg.architecture !== want.architecture)) {
          throw new NotFoundError(`image with reference ${name} was found but does not match the specified platform: wanted ${want.os}/${want.architecture}, actual: ${cfg.os}/${cfg.architecture}`);
        }
        addTag(id, tag);
      }
    }
    return out;
  }

  /**
   * `docker save`: the images `names` select as one tar stream (docker-archive and OCI layout at
   * once, see archive/write.ts). Everything is resolved before the first byte, so an unknown
   * name is a plain error; after that the stream carries the layers at the reader's pace.
   * @throws {NotFoundError} for a name that matches no image
   */
  async saveImages(names: string[], opts: { platform?: string; signal?: AbortSignal } = {}): Promise<Readable> {
    if (names.length === 0) throw new InvalidArgumentError('no images to save');
    const images: SaveImage[] = [];
    for (const [id, tags] of this.#saveTargets(names, opts.platform)) {
      const img = this.meta.record(id)!;
      const layers: SaveLayer[] = [];
      for (let i = 0; i < img.layers.length; i++) layers.push(await this.#layerTar(img, i, opts.signal));
      images.push({ id, config: await this.#content.readBlob(id), tags, layers });
    }
    return writeImageArchive(images, opts.signal);
  }

  /**
   * `docker load`: stores every image of a docker-archive (Docker 20.10's or 25's) or OCI layout
   * tarball. The archive is spooled to a private dir first (its manifest comes last), checked
   * whole (paths, links, sizes, digests), then its images are added untagged; only when all of
   * them are in are their tags set. On any failure the images this load added are removed again,
   * so the store is as it was.
   */
  async loadImages(source: Readable, opts: ImageLoadOptions = {}): Promise<ImageLoadResult[]> {
    const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
    const dir = join(this.paths.ingest, `load-${randomBytes(8).toString('hex')}`);
    const archive = await SpooledArchive.read(source, dir, opts.signal);
    const added: string[] = [];
    try {
      const images = await readArchiveImages(archive, platform);
      const out: ImageLoadResult[] = [];
      for (const img of images) {
        const existed = this.meta.has(img.id);
        let opened = -1;
        try {
          await this.addImage({
            config: img.config,
            layers: img.layers.map((l) => l.descriptor),
            openLayer: async (i) => {
              const layer = img.layers[i]!;
              opened = i;
              const stream = layer.open();
              if (!opts.onLayer) return stream;
              const report = opts.onLayer;
              const diffId = img.diffIds[i]!;
              let current = 0;
              let last = 0;
              report({ diffId, current, total: layer.size });
              const meter = new Transform({
                transform(chunk: Buffer, _e, cb) {
                  current += chunk.length;
                  const now = Date.now();
                  if (now - last >= 100) { last = now; report({ diffId, current, total: layer.size }); }
                  cb(null, chunk);
                },
                flush(cb) { report({ diffId, current, total: layer.size }); cb(); },
              });
              stream.once('error', (err) => meter.destroy(err));
              return stream.pipe(meter);
            },
            signal: opts.signal,
          });
        } catch (err) {
          if (!isInvalidArgument(err)) throw err;
          let msg = (err as Error).message;
          // A plain layer tar's blob digest is its diff id: a mismatch there is a diff id mismatch.
          const got = /^blob digest mismatch: expected (\S+), got (\S+)$/.exec(msg);
          if (got && opened >= 0 && got[1] === img.diffIds[opened]) msg = `layer ${opened} does not match the image config: its diff id is ${got[2]}, the config says ${got[1]}`;
          throw new InvalidArgumentError(`failed to load image ${img.refs[0] ?? img.id}: ${msg}`);
        }
        if (!existed) added.push(img.id);
        out.push({ id: img.id, refs: img.refs, replaced: [] });
      }
      for (const r of out) {
        for (const ref of r.refs) {
          const tag = familiarTagged(parseNamedReference(ref));
          const before = this.meta.lookupRef(tag);
          if (before !== undefined && before !== r.id) r.replaced.push({ ref: tag, id: before });
          await this.tag(r.id, tag);
        }
        r.refs = r.refs.map((ref) => familiarTagged(parseNamedReference(ref)));
      }
      return out;
    } catch (err) {
      for (const id of added.reverse()) {
        await this.remove(id, { force: true, usedBy: () => [] }).catch(() => undefined);
      }
      throw err;
    } finally {
      await archive.remove();
    }
  }

  /** Bytes the image store holds besides the unpacked layers, for `system df`. */
  async diskUsage(): Promise<ImageDiskUsage> {
    const blobs = await this.#content.list();
    const layerBlobs = new Set<string>();
    for (const d of this.#layerBlobs.diffIds()) for (const b of this.#layerBlobs.blobsOf(d)) layerBlobs.add(b.digest);
    let layerBlobBytes = 0;
    for (const b of blobs) if (layerBlobs.has(b.digest)) layerBlobBytes += b.size;
    return { blobBytes: blobs.reduce((n, b) => n + b.size, 0), layerBlobBytes, blobCount: blobs.length };
  }

  async prune(opts: ImagePruneOptions): Promise<{ ImagesDeleted: ImageDeleteResponseItem[]; SpaceReclaimed: number }> {
    return this.lock.run(STORE_LOCK, async () => {
      const deleted: ImageDeleteResponseItem[] = [];
      let reclaimed = 0;
      for (const img of this.list()) {
        if (opts.danglingOnly && img.repoTags.length > 0) continue;
        if (opts.until !== undefined && img.addedAt >= opts.until) continue;
        if (!labelsMatch(img.config.config?.Labels ?? {}, opts.labels ?? [], opts.labelsNot ?? [])) continue;
        if (opts.usedBy(img.id).length > 0) continue;
        const refs = [...img.repoTags, ...img.repoDigests];
        for (const r of await this.meta.removeRefs(refs)) deleted.push({ Untagged: r });
        await this.meta.deleteImage(img.id);
        this.layerSizes.delete(img.id);
        deleted.push({ Deleted: img.id });
        for (const layer of await this.collectLayers()) {
          deleted.push({ Deleted: layer.chainId });
          reclaimed += layer.size;
        }
      }
      return { ImagesDeleted: deleted, SpaceReclaimed: reclaimed };
    });
  }
}
