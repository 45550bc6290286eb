// Shared fixture of the kernel network tests: namespaces acting as containers and as an
// outside host, plans and endpoints as the manager would hand them to the drivers, and a peer
// process to talk through. Every kernel object is named with a per-run suffix and removed.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inCI, missingPrerequisite } from '../../helpers/prereq.js';
import type { EndpointState, NetworkPlan, NetworkRecord } from '../../../src/network/types.js';

const run = promisify(execFile);
const PEER = fileURLToPath(new URL('./peer.js', import.meta.url));

export const rand = (n = 3): string => randomBytes(n).toString('hex');

/** Runs a host command; throws with its stderr. */
export function sh(file: string, ...args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')}: ${err.stderr || err.message}`);
  }
}

/** The same, ignoring failure (cleanup). */
export function shQuiet(file: string, ...args: string[]): void {
  try { execFileSync(file, args, { stdio: 'ignore' }); } catch { /* already gone */ }
}

/** Skip reason for the kernel tests: root, ip and nft (throws under CI=true like skipReason). */
export function kernelSkip(extra?: () => string | undefined): string | false {
  const missing = missingPrerequisite({ root: true, binaries: ['ip', 'nft'] }) ?? extra?.();
  // Not a failure under CI: a kernel feature cannot be installed, and each such test has a twin
  // that runs exactly then and checks the driver's clear refusal instead.
  return missing ?? false;
}

/** Whether the kernel can make links of this type (this host's kernel lacks dummy, vlan, ipvlan). */
export function linkTypeMissing(kind: string): string | undefined {
  const ns = `t-kern-probe-${rand()}`;
  try {
    sh('ip', 'netns', 'add', ns);
    sh('ip', '-n', ns, 'link', 'add', 'tkpr0', 'type', 'veth', 'peer', 'name', 'tkpr1');
    const args = kind === 'dummy' ? ['link', 'add', 'tkpr2', 'type', 'dummy']
      : kind === 'vlan' ? ['link', 'add', 'link', 'tkpr0', 'name', 'tkpr0.5', 'type', 'vlan', 'id', '5']
        : ['link', 'add', 'link', 'tkpr0', 'name', 'tkpr2', 'type', kind];
    sh('ip', '-n', ns, ...args);
    return undefined;
  } catch {
    return `this kernel has no ${kind} links`;
  } finally {
    shQuiet('ip', 'netns', 'del', ns);
  }
}

export function record(id: string, driver: string, over: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    id, name: `tkern-${id.slice(0, 6)}`, driver, scope: 'local', created: new Date().toISOString(),
    internal: false, attachable: false, ingress: false, enableIPv4: true, enableIPv6: false,
    options: {}, labels: {}, ipam: { driver: 'default', options: {}, config: [] }, predefined: false, ...over,
  };
}

export function newId(): string {
  return randomBytes(32).toString('hex');
}

/** A v4 (and optionally v6) /24 plan: gateway .1. */
export function plan(bridgeName: string, net3: string, over: Partial<NetworkRecord> = {}, v6?: string): NetworkPlan {
  const id = newId();
  return {
    record: record(id, 'bridge', { ...over, enableIPv6: v6 !== undefined }),
    bridgeName,
    mtu: 1500,
    v4: { subnet: `${net3}.0/24`, gateway: `${net3}.1`, prefixLen: 24 },
    v6: v6 ? { subnet: `${v6}::/64`, gateway: `${v6}::1`, prefixLen: 64 } : undefined,
  };
}

export function endpoint(p: NetworkPlan, host: number, hostIfname: string, v6?: string, ifname = 'eth0'): EndpointState {
  const net3 = p.v4!.gateway.split('.').slice(0, 3).join('.');
  return {
    networkId: p.record.id, networkName: p.record.name, endpointId: newId(), hostIfname, ifname,
    mac: `02:42:0a:${rand(1)}:${rand(1)}:${host.toString(16).padStart(2, '0')}`,
    ipv4: `${net3}.${host}`, prefixLen: 24, gateway: p.v4!.gateway,
    ipv6: v6 ? `${v6}::${host.toString(16)}` : '', prefixLen6: v6 ? 64 : 0, gateway6: v6 ? `${v6}::1` : '',
    aliases: [], dnsNames: [],
  };
}

/** Link names in a namespace (or the host's). */
export function links(ns?: string): string[] {
  const out = sh('ip', ...(ns ? ['-n', ns] : []), '-j', 'link', 'show');
  return (JSON.parse(out) as { ifname: string }[]).map((l) => l.ifname);
}

export function addrs(ns: string, dev: string): string[] {
  const out = sh('ip', '-n', ns, '-j', 'addr', 'show', 'dev', dev);
  return (JSON.parse(out) as { addr_info: { local: string; prefixlen: number; scope: string }[] }[])[0]!.addr_info
    .filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`);
}

export function routes(ns: string, family: '4' | '6' = '4'): string[] {
  const out = sh('ip', '-n', ns, `-${family}`, '-j', 'route', 'show');
  return (JSON.parse(out) as { dst: string; gateway?: string; dev: string }[]).map((r) => `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${r.dev}`);
}

/** The host's own address used to reach the world (eth0's, found, not hard-coded). */
export function hostAddress(): string {
  const r = JSON.parse(sh('ip', '-j', 'route', 'get', '1.1.1.1')) as { prefsrc: string }[];
  return r[0]!.prefsrc;
}

const servers: ChildProcess[] = [];

/** Starts a peer server inside `ns` (the host's namespace when undefined); resolves once listening. */
export async function server(ns: string | undefined, proto: 'tcp' | 'udp', port: number, host?: string): Promise<ChildProcess> {
  const args = [PEER, 'server', proto, String(port), ...(host ? [host] : [])];
  const child = ns ? spawn('ip', ['netns', 'exec', ns, process.execPath, ...args]) : spawn(process.execPath, args);
  servers.push(child);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => reject(new Error(`peer server exited ${code}: ${err}`)));
  });
  return child;
}

/** Stops every server this file started (by its own pid). */
export function stopServers(): void {
  for (const s of servers.splice(0)) s.kill('SIGKILL');
}

/** Talks to a peer server; resolves to the address the server saw, or "ERR <reason>". */
export async function talk(ns: string | undefined, proto: 'tcp' | 'udp', host: string, port: number, ms = 1500): Promise<string> {
  const args = [PEER, 'client', proto, host, String(port), String(ms)];
  try {
    const r = ns ? await run('ip', ['netns', 'exec', ns, process.execPath, ...args]) : await run(process.execPath, args);
    return r.stdout.trim();
  } catch (e) {
    return ((e as { stdout?: string }).stdout ?? String(e)).trim();
  }
}

/** A free-looking high port, different per run (the DNAT map covers every local address). */
export function testPort(): number {
  return 42000 + Math.floor(Math.random() * 900);
}

