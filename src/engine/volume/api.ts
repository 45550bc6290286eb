import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { VolumeRecord, VolumeService } from '../../volume/types.js';
import { isPlainLocal } from '../../volume/index.js';
import type { Volume, VolumeCreateOptions, VolumeListResponse, VolumePruneResponse } from '../../api/volume.js';
import { apiBefore } from '../../api/version.js';
import type { EventBus } from '../events/bus.js';
import { ANONYMOUS_LABEL, labelsOf, volumeListFilter, volumePruneFilter } from './filters.js';

/** Docker answers null, not {}, for a volume made without labels or options; keys come sorted, as Go's maps marshal. */
function mapOrNull(m: Record<string, string>): Record<string, string> | null {
  const keys = Object.keys(m).sort();
  return keys.length ? Object.fromEntries(keys.map((k) => [k, m[k]!])) : null;
}

function toWire(rec: VolumeRecord): Volume {
  return {
    // A volume a plugin has but berth did not make may come without a creation time: none is shown then.
    ...(rec.createdAt ? { CreatedAt: rec.createdAt } : {}), Driver: rec.driver, Labels: mapOrNull(labelsOf(rec)), Mountpoint: rec.mountpoint,
    Name: rec.name, Options: mapOrNull(rec.options), Scope: 'local',
  };
}

function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError(`invalid JSON: ${field} must be an object`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new InvalidArgumentError(`invalid JSON: ${field}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}

/** The volume endpoints over the volume service, in wire types. */
export class VolumeApi {
  readonly #vols: VolumeService;
  readonly #events: EventBus | undefined;

  constructor(vols: VolumeService, events?: EventBus) {
    this.#vols = vols;
    this.#events = events;
  }

  /** berth's volumes and those its activated plugins list; a plugin that failed is named in Warnings. */
  async volumeList(filters: Map<string, string[]>): Promise<VolumeListResponse> {
    const keep = volumeListFilter(filters, (n) => this.#vols.refs(n).length > 0);
    const { volumes, warnings } = await this.#vols.listAll();
    return { Volumes: volumes.filter(keep).map(toWire), Warnings: warnings.length ? warnings : null };
  }

  /** Every local volume with its UsageData, as `GET /system/df` lists them (Docker leaves plugins' volumes out). */
  async volumesWithUsage(): Promise<Volume[]> {
    const out: Volume[] = [];
    for (const rec of this.#vols.list()) {
      if (!isPlainLocal(rec)) continue;
      const size = await this.#vols.size(rec.name).catch(() => -1);
      out.push({ ...toWire(rec), UsageData: { Size: size, RefCount: this.#vols.refs(rec.name).length } });
    }
    return out;
  }

  async volumeInspect(name: string): Promise<Volume> {
    return toWire(await this.#vols.lookup(name));
  }

  async volumeCreate(body: unknown): Promise<Volume> {
    const b = (body ?? {}) as VolumeCreateOptions;
    if (typeof b !== 'object' || Array.isArray(b)) throw new InvalidArgumentError('invalid JSON: body must be an object');
    if (b.Name !== undefined && typeof b.Name !== 'string') throw new InvalidArgumentError('invalid JSON: Name must be a string');
    if (b.Driver !== undefined && typeof b.Driver !== 'string') throw new InvalidArgumentError('invalid JSON: Driver must be a string');
    const labels = stringMap(b.Labels, 'Labels');
    const anonymous = Object.hasOwn(labels, ANONYMOUS_LABEL);
    delete labels[ANONYMOUS_LABEL];
    const existed = !!b.Name && this.#vols.list().some((v) => v.name === b.Name);
    const rec = await this.#vols.create({ name: b.Name ?? '', driver: b.Driver ?? '', labels, options: stringMap(b.DriverOpts, 'DriverOpts'), anonymous });
    if (!existed) this.#emit(rec, 'create');
    return toWire(rec);
  }

  async volumeDelete(name: string, force = false): Promise<void> {
    let rec: VolumeRecord | undefined;
    try {
      rec = this.#vols.get(name);
    } catch (err) {
      if (!force) throw err;
    }
    await this.#vols.remove(name, force);
    if (rec) this.#emit(rec, 'destroy');
  }

  /**
   * Before API 1.42 prune took every unused volume, named ones too: an older client gets that
   * (Docker sets all=true for it).
   */
  async volumePrune(filters: Map<string, string[]>, apiVersion?: string): Promise<VolumePruneResponse> {
    const f = new Map(filters);
    if (apiVersion && apiBefore(apiVersion, '1.42')) f.set('all', ['true']);
    const keep = volumePruneFilter(f);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const rec of this.#vols.list().filter(keep)) {
      // Docker prunes local volumes only (a plugin's are left to their plugin), and not those with mount options.
      if (!isPlainLocal(rec) || this.#vols.refs(rec.name).length) continue;
      const size = Math.max(0, await this.#vols.size(rec.name).catch(() => 0));
      try {
        await this.#vols.remove(rec.name);
      } catch {
        continue; // taken into use meanwhile
      }
      this.#emit(rec, 'destroy');
      deleted.push(rec.name);
      reclaimed += size;
    }
    this.#events?.object('volume', 'prune', { ID: '', Attributes: { reclaimed: String(reclaimed) } });
    return { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  #emit(rec: VolumeRecord, action: string): void {
    this.#events?.object('volume', action, { ID: rec.name, Attributes: { driver: rec.driver } });
  }
}
