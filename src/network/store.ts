import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../lib/errors/index.js';
import { writeJsonAtomic } from '../lib/fs/atomic.js';
import { newId } from '../lib/ids/index.js';
import { rfc3339Nano } from '../lib/time/rfc3339.js';
import type { IpamPoolConfig, NetworkRecord } from './types.js';

/** What the default bridge's record is made from (flags, re-read at every start). */
export interface DefaultBridgeSpec {
  bridgeName: string;
  mtu: number;
  ipam: IpamPoolConfig[];
}

const ID = /^[0-9a-f]{64}$/;

/**
 * The networks, one JSON file each under <dataRoot>/network, written atomically and held in
 * memory. The three predefined networks (bridge, host, none) are made once and keep their ids.
 */
export class NetworkStore {
  private readonly byId = new Map<string, NetworkRecord>();

  constructor(private readonly dir: string, private readonly warn: (msg: string) => void = () => {}) {}

  async load(): Promise<void> {
    this.byId.clear();
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const n of names) {
      if (!n.endsWith('.json') || !ID.test(n.slice(0, -5))) continue;
      try {
        const rec = JSON.parse(await readFile(join(this.dir, n), 'utf8')) as NetworkRecord;
        if (rec.id !== n.slice(0, -5) || typeof rec.name !== 'string') throw new Error('id or name missing');
        this.byId.set(rec.id, rec);
      } catch (err) {
        // One unreadable record must not keep the daemon down; it is left on disk for a person to look at.
        this.warn(`network store: skipping ${n}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Makes bridge, host and none when missing; the default bridge's device, MTU and addresses
   * follow the flags of this start (as dockerd's --bip does).
   */
  async ensurePredefined(bridge: DefaultBridgeSpec, now = Date.now()): Promise<void> {
    const base = (name: string, driver: string): NetworkRecord => ({
      id: newId(), name, driver, scope: 'local', created: rfc3339Nano(now), internal: false, attachable: false, ingress: false,
      enableIPv4: true, enableIPv6: false, options: {}, labels: {}, ipam: { driver: 'default', options: {}, config: [] }, predefined: true,
    });
    const existing = this.findByName('bridge');
    const rec = existing ?? base('bridge', 'bridge');
    const options = {
      'com.docker.network.bridge.default_bridge': 'true',
      'com.docker.network.bridge.enable_icc': 'true',
      'com.docker.network.bridge.enable_ip_masquerade': 'true',
      'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
      'com.docker.network.bridge.name': bridge.bridgeName,
      'com.docker.network.driver.mtu': String(bridge.mtu),
    };
    const next: NetworkRecord = { ...rec, predefined: true, options, ipam: { driver: 'default', options: {}, config: bridge.ipam } };
    if (!existing || JSON.stringify(existing) !== JSON.stringify(next)) await this.put(next);
    for (const [name, driver] of [['host', 'host'], ['none', 'null']] as const) {
      if (!this.findByName(name)) await this.put(base(name, driver));
    }
  }

  list(): NetworkRecord[] {
    return [...this.byId.values()].sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.name.localeCompare(b.name)));
  }

  findByName(name: string): NetworkRecord | undefined {
    for (const r of this.byId.values()) if (r.name === name) return r;
    return undefined;
  }

  /** By full id, then exact name, then a unique id prefix (Docker's order); undefined when none. */
  find(ref: string): NetworkRecord | undefined {
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const named = this.findByName(ref);
    if (named) return named;
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    const hits = [...this.byId.values()].filter((r) => r.id.startsWith(ref));
    if (hits.length > 1) throw new InvalidArgumentError(`network ${ref} is ambiguous (${hits.length} matches found based on ID prefix)`);
    return hits[0];
  }

  /** @throws NotFoundError "network X not found". */
  get(ref: string): NetworkRecord {
    const r = this.find(ref);
    if (!r) throw new NotFoundError(`network ${ref} not found`);
    return r;
  }

  /** Writes a record (new or changed); a name held by another network is refused. */
  async put(rec: NetworkRecord): Promise<void> {
    const other = this.findByName(rec.name);
    if (other && other.id !== rec.id) throw new ConflictError(`network with name ${rec.name} already exists`);
    await writeJsonAtomic(join(this.dir, `${rec.id}.json`), rec);
    this.byId.set(rec.id, rec);
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.dir, `${id}.json`), { force: true });
    this.byId.delete(id);
  }
}
