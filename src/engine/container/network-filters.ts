import { InvalidArgumentError } from '../../lib/errors/index.js';
import { networksOf, summaryPorts } from '../convert/network-settings.js';
import type { ContainerRecord } from './model.js';
import { parsePortKey } from './ports.js';

/** `ps --filter network=<name or full id>`: a network the container is on (or will join). */
export function onNetwork(rec: ContainerRecord, refs: string[]): boolean {
  const nets = networksOf(rec);
  return refs.some((r) => r in nets || Object.values(nets).some((ep) => ep.NetworkID !== '' && ep.NetworkID === r));
}

/** A `publish`/`expose` filter value: "80", "80/udp" or "8000-8080/tcp" → "port/proto" keys. */
export function portFilterKeys(filter: string, values: string[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(v);
    const lo = Number(m?.[1]);
    const hi = m?.[2] === undefined ? lo : Number(m[2]);
    if (!m || hi < lo || hi > 65535) throw new InvalidArgumentError(`invalid ${filter} filter: ${v}`);
    for (let p = lo; p <= hi; p++) {
      const { port, proto } = parsePortKey(`${p}/${m[3] ?? 'tcp'}`);
      out.add(`${port}/${proto}`);
    }
  }
  return out;
}

/** `publish`: a container port published now; `expose`: a port in the container's ExposedPorts. */
export function matchesPorts(rec: ContainerRecord, publish?: Set<string>, expose?: Set<string>): boolean {
  if (publish && !summaryPorts(rec).some((p) => p.PublicPort !== undefined && publish.has(`${p.PrivatePort}/${p.Type}`))) return false;
  if (expose && !Object.keys(rec.config.ExposedPorts ?? {}).some((k) => expose.has(k))) return false;
  return true;
}
