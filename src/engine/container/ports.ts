import { isIP } from 'node:net';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { PortMapping, PortProto, PortRequest } from '../../network/index.js';

/** The wire shape of HostConfig.PortBindings: "80/tcp" → [{HostIp, HostPort}]. */
export type PortBindings = Record<string, Array<{ HostIp: string; HostPort: string }>>;

const PROTOS = new Set(['tcp', 'udp', 'sctp']);

/** "80", "80/udp" → [80, 'udp']; Docker's message for anything else. */
export function parsePortKey(key: string): { port: number; proto: PortProto } {
  const slash = key.indexOf('/');
  const portStr = slash < 0 ? key : key.slice(0, slash);
  const proto = (slash < 0 ? 'tcp' : key.slice(slash + 1).toLowerCase()) || 'tcp';
  if (!/^\d{1,5}$/.test(portStr) || Number(portStr) > 65535) throw new InvalidArgumentError(`invalid port specification: "${portStr}"`);
  if (!PROTOS.has(proto)) throw new InvalidArgumentError(`invalid port protocol: "${proto}"`);
  return { port: Number(portStr), proto: proto as PortProto };
}

/** A binding's HostPort: "" (any), "8080", or a range "8000-8010" to pick a free one from. */
export function parseHostPort(hostPort: string | undefined): { lo: number; hi: number } {
  const s = (hostPort ?? '').trim();
  if (s === '') return { lo: 0, hi: 0 };
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo > 65535 || hi > 65535 || hi < lo) throw new InvalidArgumentError(`invalid port specification: "${s}"`);
  return { lo, hi };
}

/**
 * Checks HostConfig.PortBindings and returns it with every key in its canonical "port/proto"
 * form, as create stores it. Null or empty binding lists stay out, as Docker drops them.
 */
export function normalizePortBindings(raw: unknown): PortBindings | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidArgumentError('invalid JSON: json: cannot unmarshal into Go struct field container.HostConfig.PortBindings');
  const out: PortBindings = {};
  for (const [key, list] of Object.entries(raw as Record<string, unknown>)) {
    const { port, proto } = parsePortKey(key);
    if (list !== null && !Array.isArray(list)) throw new InvalidArgumentError(`invalid JSON: bindings of ${key} must be an array`);
    const bindings: Array<{ HostIp: string; HostPort: string }> = [];
    for (const b of (list ?? []) as Array<Record<string, unknown>>) {
      const hostIp = typeof b?.HostIp === 'string' ? b.HostIp.replace(/^\[(.*)\]$/, '$1') : '';
      const hostPort = typeof b?.HostPort === 'string' ? b.HostPort : '';
      if (hostIp !== '' && isIP(hostIp) === 0) throw new InvalidArgumentError(`invalid host IP address: ${hostIp}`);
      parseHostPort(hostPort);
      bindings.push({ HostIp: hostIp, HostPort: hostPort });
    }
    const k = `${port}/${proto}`;
    out[k] = [...(out[k] ?? []), ...bindings];
  }
  return out;
}

/** ExposedPorts with every published port added ("80" → "80/tcp"), as Docker lists them. */
export function mergeExposedPorts(exposed: Record<string, unknown> | undefined, bindings: PortBindings | undefined): Record<string, Record<string, never>> | undefined {
  if (!exposed && !bindings) return undefined;
  const out: Record<string, Record<string, never>> = {};
  for (const key of Object.keys(exposed ?? {})) {
    // A range ("8000-8010/udp") is one key per port, as the docker CLI sends them.
    const range = /^(\d{1,5})-(\d{1,5})(\/.*)?$/.exec(key);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      const { proto } = parsePortKey(`${lo}${range[3] ?? ''}`);
      if (hi < lo || hi > 65535) throw new InvalidArgumentError(`invalid port specification: "${key}"`);
      for (let p = lo; p <= hi; p++) out[`${p}/${proto}`] = {};
      continue;
    }
    const { port, proto } = parsePortKey(key);
    out[`${port}/${proto}`] = {};
  }
  for (const key of Object.keys(bindings ?? {})) out[key] = {};
  return Object.keys(out).length || exposed ? out : undefined;
}

/**
 * What a start publishes: every binding, and with PublishAllPorts every exposed port that has
 * none, on a port berth picks.
 */
export function portRequests(bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null | undefined, exposed: Record<string, unknown> | undefined, publishAll: boolean): PortRequest[] {
  const out: PortRequest[] = [];
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, proto } = parsePortKey(key);
    for (const b of list ?? []) {
      const { lo, hi } = parseHostPort(b.HostPort);
      out.push({ proto, containerPort: port, hostIp: (b.HostIp ?? '').replace(/^\[(.*)\]$/, '$1'), hostPort: lo, hostPortEnd: hi === lo ? 0 : hi });
      bound.add(`${port}/${proto}`);
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const { port, proto } = parsePortKey(key);
      if (bound.has(`${port}/${proto}`)) continue;
      out.push({ proto, containerPort: port, hostIp: '', hostPort: 0, hostPortEnd: 0 });
    }
  }
  return out;
}

/** Inspect's NetworkSettings.Ports: published ports, and exposed ones without a binding as null. */
export function portMap(mappings: PortMapping[], exposed: Record<string, unknown> | undefined): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const key of Object.keys(exposed ?? {})) {
    try {
      const { port, proto } = parsePortKey(key);
      out[`${port}/${proto}`] = null;
    } catch {
      // a key create accepted before these checks existed: left out
    }
  }
  for (const m of mappings) {
    const key = `${m.containerPort}/${m.proto}`;
    (out[key] ??= []).push({ HostIp: m.hostIp, HostPort: String(m.hostPort) });
  }
  return out;
}
