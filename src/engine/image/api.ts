import type { ImageService } from '../../image/types.js';
import type { Readable } from 'node:stream';
import { InvalidArgumentError, NotImplementedError } from '../../lib/errors/index.js';
import { credentialsFromAuthConfig, decodeRegistryAuth, type RegistryService } from '../../image/distribution/index.js';
import { isDigest } from '../../oci/index.js';
import type { JsonMessage } from '../../api/progress.js';
import { toImageInspect, toImageSummary } from '../convert/image.js';
import { matchLabels, parseUntil } from '../container/api.js';
import type { EventSink } from '../events/types.js';
import { emitDeleteEvents, imageEventAttributes } from './image-events.js';
import { familiarString, parseReference } from '../../oci/reference.js';
import type { HistoryResponseItem, ImageDeleteResponseItem, ImageInspect, ImagePruneResponse, ImageSearchResponseItem, ImageSummary } from '../../api/image.js';

/** Which containers use an image id (rmi refuses with 409 while any does). */
export type ImageUsers = (imageId: string, runningOnly?: boolean) => string[];

/** Matches a reference filter such as "busybox" or "busybox:1.*" (globs on name and tag). */
function matchReference(tag: string, pattern: string): boolean {
  const [name, t = 'latest'] = tag.split(/:(?=[^:/]*$)/);
  const [pName, pTag] = pattern.split(/:(?=[^:/]*$)/);
  const glob = (g: string): RegExp => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
  if (!glob(pName!).test(name!) && !glob(pName!).test(name!.replace(/^docker\.io\/library\//, ''))) return false;
  return pTag === undefined || glob(pTag).test(t);
}

/**
 * Matches a reference filter against a digest reference ("repo@sha256:…"), as dockerd matches
 * one: by its repository when the pattern has no tag, or by the whole reference.
 */
function matchDigestReference(ref: string, pattern: string): boolean {
  const at = ref.indexOf('@');
  if (pattern === ref || pattern === ref.replace(/^docker\.io\/(library\/)?/, '')) return true;
  if (/:[^:/]*$/.test(pattern) || pattern.includes('@')) return false;
  return matchReference(ref.slice(0, at), pattern);
}

/** Docker's text progress bar, as `docker load` shows it when it cannot draw one itself. */
function progressBar(current: number, total: number): string {
  const width = 50;
  const filled = total > 0 ? Math.min(width, Math.floor((current / total) * width)) : 0;
  const bar = filled >= width ? '='.repeat(width) : `${'='.repeat(filled)}>${' '.repeat(width - filled - 1)}`;
  const size = (n: number): string => (n < 1000 ? `${n}B` : n < 1e6 ? `${(n / 1e3).toFixed(2)}kB` : n < 1e9 ? `${(n / 1e6).toFixed(2)}MB` : `${(n / 1e9).toFixed(2)}GB`);
  return `[${bar}] ${size(current)}/${size(total)}`;
}

/** The image side of the Engine API, in wire types. */
export class ImageApi {
  readonly #images: ImageService;
  readonly #users: ImageUsers;
  readonly #events: EventSink;
  readonly #registry: RegistryService | undefined;

  constructor(images: ImageService, users: ImageUsers, events: EventSink, registry?: RegistryService) {
    this.#registry = registry;
    this.#images = images;
    this.#users = users;
    this.#events = events;
  }

  /** `apiVersion` is the request's: the wire shape depends on it. */
  imageList(opts: { all: boolean; filters: Map<string, string[]>; apiVersion: string }): ImageSummary[] {
    const f = opts.filters;
    for (const k of f.keys()) if (!['dangling', 'label', 'reference', 'before', 'since', 'until'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    const dangling = f.get('dangling')?.[0];
    if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling)) throw new InvalidArgumentError(`Invalid filter 'dangling=${dangling}'`);
    const before = f.get('before')?.map((r) => this.#images.get(r).addedAt);
    const since = f.get('since')?.map((r) => this.#images.get(r).addedAt);
    const until = f.get('until')?.map((u) => parseUntil(u));
    const all = this.#images.list();
    // Untagged parents (the build's intermediate images) are listed only with -a, as Docker lists them.
    const parents = new Set(all.map((img) => img.parent).filter(Boolean));
    return all
      .filter((img) => {
        if (!opts.all && img.repoTags.length === 0 && img.repoDigests.length === 0 && parents.has(img.id)) return false;
        if (dangling !== undefined && (img.repoTags.length === 0) !== (dangling === 'true' || dangling === '1')) return false;
        if (f.has('label') && !matchLabels((img.config.config?.Labels ?? {}) as Record<string, string>, f.get('label')!)) return false;
        // An image pulled by digest has no tag of that repository, only the digest: it matches too.
        if (f.has('reference') && !img.repoTags.some((t) => f.get('reference')!.some((p) => matchReference(t, p)))
          && !img.repoDigests.some((d) => f.get('reference')!.some((p) => matchDigestReference(d, p)))) return false;
        if (before && !before.every((b) => img.addedAt < b)) return false;
        if (since && !since.every((s) => img.addedAt > s)) return false;
        if (until && !until.every((u) => img.addedAt < u)) return false;
        return true;
      })
      .sort((a, b) => b.addedAt - a.addedAt)
      .map((img) => {
        const summary = toImageSummary(img, this.#users(img.id).length, opts.apiVersion);
        // Docker lists only the tags that matched, so `images mybox` shows one row.
        if (f.has('reference')) {
          summary.RepoTags = img.repoTags.filter((t) => f.get('reference')!.some((p) => matchReference(t, p)));
          // Digests too, or the CLI draws a "<none>" row for each other repository's digest.
          summary.RepoDigests = img.repoDigests.filter((d) => f.get('reference')!.some((p) => matchDigestReference(d, p)));
        }
        return summary;
      });
  }

  imageInspect(ref: string, apiVersion: string): ImageInspect {
    return toImageInspect(this.#images.get(ref), apiVersion);
  }

  imageHistory(ref: string): HistoryResponseItem[] {
    return this.#images.history(ref);
  }

  async imageTag(ref: string, repo: string, tag: string): Promise<void> {
    if (!repo) throw new InvalidArgumentError('repository name must have at least one component');
    const img = this.#images.get(ref);
    await this.#images.tag(img.id, tag ? `${repo}:${tag}` : repo);
    const named = parseReference(tag ? `${repo}:${tag}` : repo);
    this.#events.image(img.id, 'tag', imageEventAttributes(img, familiarString({ ...named, tag: named.tag ?? 'latest' })));
  }

  async imageDelete(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<ImageDeleteResponseItem[]> {
    const img = this.#images.get(ref);
    const out = await this.#images.remove(ref, { ...opts, usedBy: this.#users, runningUsedBy: (id) => this.#users(id, true) });
    emitDeleteEvents(this.#events, out, { fallbackId: img.id, labelsOf: (id) => (id === img.id ? img : undefined) });
    return out;
  }

  async imagePrune(filters: Map<string, string[]>): Promise<ImagePruneResponse> {
    for (const k of filters.keys()) if (!['dangling', 'until', 'label', 'label!'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    const d = filters.get('dangling')?.[0];
    const until = filters.get('until')?.map((u) => parseUntil(u));
    const before = new Map(this.#images.list().map((i) => [i.id, i]));
    const out = await this.#images.prune({
      danglingOnly: d === undefined || d === 'true' || d === '1',
      labels: filters.get('label'),
      labelsNot: filters.get('label!'),
      until: until ? Math.min(...until) : undefined,
      usedBy: this.#users,
    });
    emitDeleteEvents(this.#events, out.ImagesDeleted ?? [], { labelsOf: (id) => before.get(id) });
    this.#events.object('image', 'prune', { ID: '', Attributes: { reclaimed: String(out.SpaceReclaimed ?? 0) } });
    return out;
  }

  /** `POST /images/create?fromSrc=-`: imports a rootfs tarball. */
  async imageImport(opts: { source: Readable; repo?: string; tag?: string; changes: string[]; message?: string; platform?: string; signal: AbortSignal }): Promise<string> {
    const reference = opts.repo ? (opts.tag ? `${opts.repo}:${opts.tag}` : opts.repo) : undefined;
    const img = await this.#images.importImage({ source: opts.source, reference, changes: opts.changes, message: opts.message, platform: opts.platform, signal: opts.signal });
    this.#events.image(img.id, 'import', imageEventAttributes(img, img.id));
    return img.id;
  }

  /** `GET /images/get`: the images as one archive stream, resolved before the first byte. */
  async imageSave(names: string[], opts: { platform?: string; signal: AbortSignal }): Promise<Readable> {
    const stream = await this.#images.saveImages(names, opts);
    for (const name of names) {
      const img = this.#images.get(name);
      this.#events.image(img.id, 'save', imageEventAttributes(img, name));
    }
    return stream;
  }

  /**
   * `POST /images/load`: stores the images of an archive and reports as Docker does, through
   * `send` (JSON messages): "Loading layer" progress unless quiet, then one "Loaded image" line
   * per tag (or "Loaded image ID" for an untagged image).
   */
  async imageLoad(source: Readable, opts: { quiet: boolean; platform?: string; signal: AbortSignal; send: (msg: object) => void }): Promise<void> {
    const onLayer = opts.quiet ? undefined : (p: { diffId: string; current: number; total: number }): void => {
      opts.send({ status: 'Loading layer', progressDetail: { current: p.current, total: p.total }, progress: progressBar(p.current, p.total), id: p.diffId.slice(7, 19) });
    };
    const loaded = await this.#images.loadImages(source, { platform: opts.platform, signal: opts.signal, onLayer });
    for (const r of loaded) {
      const img = this.#images.get(r.id);
      for (const old of r.replaced) opts.send({ stream: `The image ${old.ref} already exists, renaming the old one with ID ${old.id} to empty string\n` });
      if (r.refs.length === 0) opts.send({ stream: `Loaded image ID: ${r.id}\n` });
      for (const ref of r.refs) opts.send({ stream: `Loaded image: ${ref}\n` });
      this.#events.image(r.id, 'load', imageEventAttributes(img, r.refs[0] ?? r.id));
    }
  }

  /**
   * `POST /images/create?fromImage=`: resolves the image at its registry (errors here get a
   * status), then returns the pull, which reports progress as it runs.
   */
  async imagePull(opts: { fromImage: string; tag: string; platform?: string; auth?: string; signal: AbortSignal }): Promise<StreamedOperation> {
    const registry = this.#needRegistry();
    const credentials = decodeRegistryAuth(opts.auth);
    // No tag for a bare name is the API's "every tag" (`pull --all-tags`).
    const bare = parseReference(opts.fromImage);
    if (opts.tag === '' && bare.tag === undefined && bare.digest === undefined) {
      const pullAll = await registry.preparePullAllTags(opts.fromImage, { platform: opts.platform, credentials, signal: opts.signal });
      return {
        run: async (progress) => {
          for (const r of await pullAll.run(progress)) this.#events.image(r.image.id, 'pull', imageEventAttributes(r.image, r.reference));
        },
      };
    }
    const reference = opts.tag === '' ? opts.fromImage : isDigest(opts.tag) ? `${opts.fromImage}@${opts.tag}` : `${opts.fromImage}:${opts.tag}`;
    const pull = await registry.preparePull(reference, { platform: opts.platform, credentials, signal: opts.signal });
    return {
      run: async (progress) => {
        const r = await pull.run(progress);
        this.#events.image(r.image.id, 'pull', imageEventAttributes(r.image, r.reference));
      },
    };
  }

  /** `POST /images/{name}/push`: checks the image exists here, then returns the push. */
  imagePush(opts: { name: string; tag?: string; auth?: string; signal: AbortSignal }): StreamedOperation {
    const registry = this.#needRegistry();
    const push = registry.preparePush(opts.name, { tag: opts.tag || undefined, credentials: decodeRegistryAuth(opts.auth), signal: opts.signal });
    return {
      run: async (progress) => {
        for (const t of await push.run(progress)) {
          const ref = `${parseReference(opts.name).familiarName}:${t.tag}`;
          const img = this.#images.get(ref);
          this.#events.image(img.id, 'push', imageEventAttributes(img, ref));
        }
      },
    };
  }

  /** `GET /images/search`: the limit as the query gave it (dockerd's 25 when absent). */
  async imageSearch(opts: { term: string; limit?: string; filters: Map<string, string[]>; auth?: string; signal: AbortSignal }): Promise<ImageSearchResponseItem[]> {
    let limit: number | undefined;
    if (opts.limit !== undefined && opts.limit !== '') {
      if (!/^[+-]?\d+$/.test(opts.limit)) throw new InvalidArgumentError(`strconv.Atoi: parsing ${JSON.stringify(opts.limit)}: invalid syntax`);
      limit = Number(opts.limit);
    }
    return this.#needRegistry().search(opts.term, { limit, filters: opts.filters, credentials: decodeRegistryAuth(opts.auth), signal: opts.signal });
  }

  /** `POST /auth`: checks credentials against the registry they name. */
  async login(body: unknown, signal: AbortSignal): Promise<{ Status: string; IdentityToken?: string }> {
    const creds = credentialsFromAuthConfig(body);
    if (!creds) throw new InvalidArgumentError('username is required');
    return this.#needRegistry().login(creds, signal);
  }

  #needRegistry(): RegistryService {
    if (!this.#registry) throw new NotImplementedError('this daemon has no registry client');
    return this.#registry;
  }
}

/** A streamed operation (pull, push) whose request was accepted: it reports JSON progress as it runs. */
export interface StreamedOperation {
  run(progress: (m: JsonMessage) => void): Promise<void>;
}
