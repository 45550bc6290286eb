import { InternalError, InvalidArgumentError, NotFoundError, messageOf, kindOf, errorOfKind } from '../../lib/errors/index.js';
import { callPlugin, type CallOptions, type PluginAddress } from './client.js';
import { findPlugin } from './discovery.js';

/** One volume as a plugin describes it (VolumeDriver.Get and .List). */
export interface PluginVolumeInfo {
  Name: string;
  Mountpoint?: string;
  CreatedAt?: string;
  Status?: Record<string, unknown>;
}

/** A volume driver reached through Docker's VolumeDriver plugin protocol. */
export interface VolumePlugin {
  readonly name: string;
  create(volume: string, opts: Record<string, string>): Promise<void>;
  remove(volume: string): Promise<void>;
  /** `id` names the user (berth passes the container id); answers the host path to bind. */
  mount(volume: string, id: string): Promise<string>;
  unmount(volume: string, id: string): Promise<void>;
  path(volume: string): Promise<string>;
  get(volume: string, opts?: CallOptions): Promise<PluginVolumeInfo>;
  list(opts?: CallOptions): Promise<PluginVolumeInfo[]>;
  /** "local" or "global"; a plugin without Capabilities is "local", as Docker assumes. */
  capabilities(): Promise<{ Scope: string }>;
}

/** The volume drivers other than `local`, by driver name. */
export interface VolumePlugins {
  /**
   * @throws NotFoundError `error looking up volume plugin <name>: plugin "<name>" not found`,
   *   InvalidArgumentError for a name that cannot be a plugin's or a plugin that is no volume driver.
   */
  driver(name: string): Promise<VolumePlugin>;
  /** The plugins activated so far (by a use since berthd started): those `volume ls` also asks. */
  activated?(): VolumePlugin[];
}

export type PluginCall = (addr: PluginAddress, method: string, body: unknown, opts?: CallOptions) => Promise<Record<string, unknown>>;

const lookupError = (name: string, why: string): string => `error looking up volume plugin ${name}: ${why}`;

/** A plugin at a known address, activated (the handshake naming what it implements) once, before its first call. */
export class PluginVolumeDriver implements VolumePlugin {
  readonly name: string;
  readonly #addr: PluginAddress;
  readonly #call: PluginCall;
  #activated: Promise<void> | undefined;

  constructor(name: string, addr: PluginAddress, call: PluginCall = callPlugin) {
    this.name = name;
    this.#addr = addr;
    this.#call = call;
  }

  /** @throws InvalidArgumentError when the plugin does not list VolumeDriver among what it implements. */
  activate(): Promise<void> {
    // A failed handshake is not remembered: the next use tries again (the plugin may have been starting).
    this.#activated ??= this.#handshake().catch((err: unknown) => {
      this.#activated = undefined;
      throw err;
    });
    return this.#activated;
  }

  async #handshake(): Promise<void> {
    const res = await this.#call(this.#addr, 'Plugin.Activate', {});
    const impl = Array.isArray(res.Implements) ? res.Implements.filter((x): x is string => typeof x === 'string') : [];
    if (!impl.includes('VolumeDriver')) {
      throw new InvalidArgumentError(`plugin "${this.name}" does not implement VolumeDriver (it implements: ${impl.join(', ') || 'nothing'})`);
    }
  }

  async #volumeCall(method: string, body: unknown, opts?: CallOptions): Promise<Record<string, unknown>> {
    await this.activate();
    return this.#call(this.#addr, `VolumeDriver.${method}`, body, opts);
  }

  async create(volume: string, opts: Record<string, string>): Promise<void> {
    await this.#volumeCall('Create', { Name: volume, Opts: opts });
  }

  async remove(volume: string): Promise<void> {
    await this.#volumeCall('Remove', { Name: volume });
  }

  async mount(volume: string, id: string): Promise<string> {
    return str(await this.#volumeCall('Mount', { Name: volume, ID: id }), 'Mountpoint');
  }

  async unmount(volume: string, id: string): Promise<void> {
    await this.#volumeCall('Unmount', { Name: volume, ID: id });
  }

  async path(volume: string): Promise<string> {
    return str(await this.#volumeCall('Path', { Name: volume }), 'Mountpoint');
  }

  async get(volume: string, opts?: CallOptions): Promise<PluginVolumeInfo> {
    const v = (await this.#volumeCall('Get', { Name: volume }, opts)).Volume;
    if (!isInfo(v)) throw new InternalError(`VolumeDriver.Get: the plugin ${this.name} answered no Volume for ${volume}`);
    return v;
  }

  async list(opts?: CallOptions): Promise<PluginVolumeInfo[]> {
    const vs = (await this.#volumeCall('List', {}, opts)).Volumes;
    return Array.isArray(vs) ? vs.filter(isInfo) : [];
  }

  async capabilities(): Promise<{ Scope: string }> {
    try {
      const caps = (await this.#volumeCall('Capabilities', {})).Capabilities as { Scope?: unknown } | undefined;
      return { Scope: caps?.Scope === 'global' ? 'global' : 'local' };
    } catch (err) {
      if (kindOf(err) === 'unavailable') throw err;
      return { Scope: 'local' };
    }
  }
}

function str(res: Record<string, unknown>, field: string): string {
  const v = res[field];
  return typeof v === 'string' ? v : '';
}

function isInfo(v: unknown): v is PluginVolumeInfo {
  return !!v && typeof v === 'object' && typeof (v as { Name?: unknown }).Name === 'string';
}

/**
 * Volume plugins found by name in plugin directories (see discovery.ts). A plugin is looked up at
 * its first use and kept once activated; one not found is looked up again next time, so a plugin
 * installed while berthd runs is found.
 */
export class PluginDrivers implements VolumePlugins {
  readonly #dirs: readonly string[];
  readonly #call: PluginCall;
  readonly #drivers = new Map<string, Promise<VolumePlugin>>();
  /** The lookups that succeeded, in the order they did. */
  readonly #active = new Map<string, VolumePlugin>();

  constructor(dirs: readonly string[], call: PluginCall = callPlugin) {
    this.#dirs = dirs;
    this.#call = call;
  }

  driver(name: string): Promise<VolumePlugin> {
    let p = this.#drivers.get(name);
    if (!p) {
      p = this.#lookup(name);
      this.#drivers.set(name, p);
      p.then((d) => this.#active.set(name, d), () => this.#drivers.delete(name));
    }
    return p;
  }

  activated(): VolumePlugin[] {
    return [...this.#active.values()];
  }

  async #lookup(name: string): Promise<VolumePlugin> {
    const addr = await findPlugin(name, this.#dirs).catch((err: unknown) => {
      throw errorOfKind(kindOf(err), lookupError(name, messageOf(err)), err);
    });
    if (!addr) throw new NotFoundError(lookupError(name, `plugin "${name}" not found`));
    const d = new PluginVolumeDriver(name, addr, this.#call);
    // A plugin that is not running, or is no volume driver, is reported as the lookup's failure.
    await d.activate().catch((err: unknown) => {
      throw errorOfKind(kindOf(err), lookupError(name, messageOf(err)), err);
    });
    return d;
  }
}
