import type { Readable } from 'node:stream';
import { parseTimestamp, timestampMs } from '../../lib/time/timestamp.js';
import type { ContainerStatsResponse, ContainerUpdateRequest, ContainerUpdateResponse } from '../../api/stats.js';
import type { ExecRun } from './exec/ops.js';
import type { ContainerConfig, ContainerCreateRequest, ContainerInspectResponse, ContainerSummary, ExecConfig, ExecInspectResponse, FilesystemChange, IdResponse } from '../../api/container.js';
import type { ImageRecord, ImageService } from '../../image/types.js';
import { InvalidArgumentError, NotFoundError, isNotFound } from '../../lib/errors/index.js';
import { linearRegExp } from '../../lib/regex/linear.js';
import { parseNamedReference } from '../../oci/index.js';
import type { ContainerService } from './service.js';
import type { ContainerRecord, ContainerStatus } from './model.js';
import type { AttachSink } from './attach.js';
import { linkPath, toInspect, toSummary } from '../convert/container.js';
import type { WaitCondition } from './waiters.js';
import { matchesPorts, onNetwork, portFilterKeys } from './network-filters.js';
import { isUserDefined } from './create-network.js';

const STATUSES: ContainerStatus[] = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const HEALTH_FILTERS = ['starting', 'healthy', 'unhealthy', 'none'];

/** Parses Docker's `until` filter: a unix time, an RFC3339 time, or a duration such as "10m". */
export function parseUntil(v: string, nowMs = Date.now()): number {
  // Docker's GetTimestamp: durations back from now, RFC 3339 (local without a zone), unix seconds.
  return timestampMs(parseTimestamp(v, nowMs));
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', x86: '386', aarch64: 'arm64' };

/** `create?platform=os/arch[/variant]` must name the image's own platform, as Docker checks. */
export function checkPlatform(platform: string, image: ImageRecord, ref: string): void {
  const parts = platform.toLowerCase().split('/');
  if (parts.length < 1 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_-]+$/.test(p))) {
    throw new InvalidArgumentError(`invalid platform: ${platform}`);
  }
  const [os, arch] = parts;
  const norm = (a: string): string => ARCH_ALIASES[a] ?? a;
  if (os !== image.config.os || (arch !== undefined && norm(arch) !== norm(image.config.architecture))) {
    throw new NotFoundError(`image with reference ${ref} was found but does not match the specified platform: wanted ${platform}, actual: ${image.config.os}/${image.config.architecture}`);
  }
}

/**
 * The reference `POST /commit` tags with, from its repo and tag parameters: none without a repo
 * (the tag alone is ignored, as in Docker), Docker's errors for a digest or a malformed tag.
 */
export function commitReference(repo?: string, tag?: string): string | undefined {
  if (!repo) return undefined;
  const named = parseNamedReference(repo);
  if (named.digest !== undefined) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
  if (!tag) return repo;
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new InvalidArgumentError('invalid tag format');
  return `${named.familiarName}:${tag}`;
}

/** True when the labels satisfy every "key" or "key=value" filter. */
export function matchLabels(labels: Record<string, string>, filters: string[]): boolean {
  return filters.every((f) => {
    const i = f.indexOf('=');
    if (i < 0) return f in labels;
    return labels[f.slice(0, i)] === f.slice(i + 1);
  });
}

/**
 * The container side of the Engine API, over the container service: operations named after
 * the API's operation ids, answering in wire types.
 */
export class ContainerApi {
  readonly #svc: ContainerService;
  readonly #images: ImageService;

  constructor(svc: ContainerService, images: ImageService) {
    this.#svc = svc;
    this.#images = images;
  }

  containerCreate(req: ContainerCreateRequest, name?: string, platform?: string): Promise<{ Id: string; Warnings: string[] }> {
    if (platform && typeof req?.Image === 'string') checkPlatform(platform, this.#images.get(req.Image), req.Image);
    return this.#svc.create(req, name);
  }

  async containerList(opts: { all: boolean; limit?: number; size: boolean; filters: Map<string, string[]> }): Promise<ContainerSummary[]> {
    const f = opts.filters;
    for (const s of f.get('status') ?? []) if (!STATUSES.includes(s as ContainerStatus)) throw new InvalidArgumentError(`invalid filter 'status=${s}'`);
    for (const e of f.get('exited') ?? []) if (!/^-?\d+$/.test(e)) throw new InvalidArgumentError(`invalid filter 'exited=${e}'`);
    for (const h of f.get('health') ?? []) if (!HEALTH_FILTERS.includes(h)) throw new InvalidArgumentError(`Unrecognised filter value for health: ${h}`);
    const ancestors = new Set<string>();
    for (const a of f.get('ancestor') ?? []) {
      try {
        ancestors.add(this.#images.get(a).id);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const names = f.get('name')?.map(linearRegExp);
    const publish = f.has('publish') ? portFilterKeys('publish', f.get('publish')!) : undefined;
    const expose = f.has('expose') ? portFilterKeys('expose', f.get('expose')!) : undefined;
    const createdMs = (ref: string): number => Date.parse(this.#svc.store.get(ref).created);
    const before = f.get('before')?.map(createdMs);
    const since = f.get('since')?.map(createdMs);
    let list = this.#svc.store.list().sort((a, b) => Date.parse(b.created) - Date.parse(a.created) || (a.id < b.id ? 1 : -1));
    const all = opts.all || opts.limit !== undefined || f.has('status') || f.has('exited');
    list = list.filter((rec) => {
      const st = rec.state.status;
      if (!all && st !== 'running' && st !== 'paused' && st !== 'restarting') return false;
      if (f.has('status') && !f.get('status')!.includes(st)) return false;
      if (f.has('exited') && (st !== 'exited' || !f.get('exited')!.map(Number).includes(rec.state.exitCode))) return false;
      if (names && !names.some((re) => re.test(rec.name) || re.test(`/${rec.name}`))) return false;
      if (f.has('id') && !f.get('id')!.some((i) => rec.id.startsWith(i))) return false;
      if (f.has('label') && !matchLabels(rec.config.Labels ?? {}, f.get('label')!)) return false;
      if (f.has('ancestor') && !ancestors.has(rec.imageId)) return false;
      if (f.has('health') && !f.get('health')!.includes(this.#svc.health(rec.id)?.status ?? 'none')) return false;
      if (f.has('network') && !onNetwork(rec, f.get('network')!)) return false;
      if (!matchesPorts(rec, publish, expose)) return false;
      const c = Date.parse(rec.created);
      if (before && !before.every((b) => c < b)) return false;
      if (since && !since.every((s) => c > s)) return false;
      return true;
    });
    if (opts.limit !== undefined) list = list.slice(0, opts.limit);
    const links = this.#linkNames();
    return Promise.all(list.map(async (rec) => {
      const health = this.#svc.health(rec.id);
      if (!opts.size) return toSummary(rec, undefined, health, links.get(rec.id));
      const rw = await this.#svc.sizeRw(rec.id);
      // SizeRootFs is everything the container sees: its own layer plus the image's.
      return toSummary(rec, { rw, rootFs: rw + this.#imageSize(rec) }, health, links.get(rec.id));
    }));
  }

  /** Link targets by id, with the "/parent/alias" names legacy links give them. */
  #linkNames(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const parent of this.#svc.store.list()) {
      if (isUserDefined(String(parent.hostConfig.NetworkMode ?? ''))) continue;
      for (const link of (parent.hostConfig.Links ?? []) as string[]) {
        const [target = ''] = link.split(':');
        let id: string;
        try {
          id = this.#svc.store.get(target.replace(/^\//, '')).id;
        } catch {
          continue;
        }
        const list = out.get(id) ?? [];
        list.push(linkPath(parent.name, link).split(':')[1]!);
        out.set(id, list);
      }
    }
    return out;
  }

  /** `apiVersion` is the request's: the wire shape depends on it. */
  async containerInspect(ref: string, opts: { size: boolean; apiVersion: string }): Promise<ContainerInspectResponse> {
    const rec = this.#svc.store.get(ref);
    const out = toInspect(rec, {}, opts.apiVersion, this.#svc.health(rec.id)) as ContainerInspectResponse & { SizeRw?: number; SizeRootFs?: number };
    if (opts.size) {
      out.SizeRw = await this.#svc.sizeRw(rec.id);
      out.SizeRootFs = out.SizeRw + this.#imageSize(rec);
    }
    return out;
  }

  #imageSize(rec: ContainerRecord): number {
    try {
      return this.#images.get(rec.imageId).size;
    } catch {
      return 0;
    }
  }

  containerStart(ref: string): Promise<void> {
    return this.#svc.start(ref);
  }
  containerStop(ref: string, opts: { signal?: string; timeout?: number }): Promise<void> {
    return this.#svc.stop(ref, opts);
  }
  containerRestart(ref: string, opts: { signal?: string; timeout?: number }): Promise<void> {
    return this.#svc.restart(ref, opts);
  }
  containerKill(ref: string, signal?: string): Promise<void> {
    return this.#svc.kill(ref, signal);
  }
  containerPause(ref: string): Promise<void> {
    return this.#svc.pause(ref);
  }
  containerUnpause(ref: string): Promise<void> {
    return this.#svc.unpause(ref);
  }
  containerDelete(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void> {
    return this.#svc.remove(ref, opts);
  }
  containerRename(ref: string, name: string): Promise<void> {
    return this.#svc.rename(ref, name);
  }
  containerWait(ref: string, condition: WaitCondition, signal?: AbortSignal) {
    return this.#svc.wait(ref, condition, signal);
  }
  containerTty(ref: string): boolean {
    return !!this.#svc.store.get(ref).config.Tty;
  }

  containerAttach(ref: string, sink: AttachSink, opts: { stdin: boolean; stdout: boolean; stderr: boolean }) {
    return this.#svc.attach(ref, sink, opts);
  }

  containerLogs(ref: string, opts: { follow: boolean; tail?: number; since?: number; until?: number; stdout: boolean; stderr: boolean; signal: AbortSignal }) {
    return this.#svc.logs(ref, opts);
  }
  containerArchiveStat(ref: string, path: string) {
    return this.#svc.archiveStat(ref, path);
  }
  containerArchiveGet(ref: string, path: string) {
    return this.#svc.archiveGet(ref, path);
  }
  containerArchivePut(ref: string, path: string, body: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean; signal?: AbortSignal }) {
    return this.#svc.archivePut(ref, path, body, opts);
  }
  containerTop(ref: string, psArgs?: string) {
    return this.#svc.top(ref, psArgs);
  }
  containerResize(ref: string, height: number, width: number) {
    return this.#svc.resize(ref, height, width);
  }
  execCreate(ref: string, req: ExecConfig): { Id: string } {
    return this.#svc.execCreate(ref, req);
  }
  execStart(id: string, opts: { consoleSize?: { height: number; width: number }; detach?: boolean }): () => Promise<ExecRun> {
    return this.#svc.execStart(id, opts);
  }
  execResize(id: string, height: number, width: number): Promise<void> {
    return this.#svc.execResize(id, height, width);
  }
  execInspect(id: string): ExecInspectResponse {
    return this.#svc.execInspect(id);
  }

  /** Docker answers `null`, not `[]`, for a container that changed nothing. */
  async containerChanges(ref: string): Promise<FilesystemChange[] | null> {
    const list = await this.#svc.changes(ref);
    return list.length > 0 ? list.map((c) => ({ Path: c.path, Kind: c.kind })) : null;
  }
  containerExport(ref: string, signal: AbortSignal): Readable {
    return this.#svc.export(ref, signal);
  }
  /** `POST /commit`: repo and tag are checked first, as Docker checks them before it looks the container up. */
  imageCommit(opts: { container: string; repo?: string; tag?: string; comment?: string; author?: string; pause: boolean; changes: string[]; config?: ContainerConfig | null; signal: AbortSignal }): Promise<IdResponse> {
    const reference = commitReference(opts.repo, opts.tag);
    return this.#svc.commit(opts.container, {
      reference, config: opts.config, changes: opts.changes, comment: opts.comment, author: opts.author, pause: opts.pause, signal: opts.signal,
    });
  }

  containerPrune(filters: Map<string, string[]>) {
    if ((filters.get('until')?.length ?? 0) > 1) throw new InvalidArgumentError('more than one until filter specified');
    const until = filters.get('until')?.map((u) => parseUntil(u));
    const labels = filters.get('label') ?? [];
    const labelsNot = filters.get('label!') ?? [];
    return this.#svc.prune((rec) => {
      const created = Date.parse(rec.created);
      if (until && !until.every((u) => created < u)) return true;
      const l = rec.config.Labels ?? {};
      if (labels.length && !matchLabels(l, labels)) return true;
      if (labelsNot.length && labelsNot.some((x) => matchLabels(l, [x]))) return true;
      return false;
    });
  }

  containerStats(ref: string, opts: { stream: boolean; oneShot: boolean; signal?: AbortSignal }): AsyncIterable<ContainerStatsResponse> {
    return this.#svc.stats(ref, opts);
  }
  containerUpdate(ref: string, req: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
    return this.#svc.update(ref, req);
  }
}
