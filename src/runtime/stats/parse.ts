import type { BlkioEntry, HostCpuSample, NetDevCounters } from './types.js';

/** Clock ticks per second in cpuacct.stat and /proc/stat (USER_HZ, 100 on every Linux ABI berth runs on). */
const USER_HZ = 100;
const NS_PER_TICK = 1e9 / USER_HZ;

/** v1 reports "no limit" as the largest page-aligned int64; anything that large means unlimited. */
const V1_UNLIMITED = 2 ** 62;

/** Parses "key value" lines (memory.stat, cpu.stat, cpuacct.stat). */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (!k || v === undefined) continue;
    const n = Number(v);
    if (Number.isFinite(n)) out[k] = n;
  }
  return out;
}

/** A single number file; undefined for "max", empty or garbage. */
export function parseNumber(text: string | undefined): number | undefined {
  const t = text?.trim();
  if (!t || t === 'max') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A v1 limit file: the "unlimited" sentinel becomes undefined. */
export function parseV1Limit(text: string | undefined): number | undefined {
  const n = parseNumber(text);
  return n === undefined || n >= V1_UNLIMITED ? undefined : n;
}

/** cpuacct.usage_percpu: one number per possible CPU, space separated. */
export function parsePerCpu(text: string): number[] {
  return text.trim().split(/\s+/).filter(Boolean).map(Number).filter(Number.isFinite);
}

/** cpuacct.stat's "user"/"system" are in clock ticks. */
export function ticksToNs(ticks: number | undefined): number {
  return (ticks ?? 0) * NS_PER_TICK;
}

/**
 * blkio.throttle.io_service_bytes_recursive and friends: "MAJ:MIN Op value" per line, plus a
 * summary "Total value" line that is not a device and is left out (as Docker does).
 */
export function parseV1Blkio(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 3) continue;
    const m = /^(\d+):(\d+)$/.exec(f[0]!);
    const value = Number(f[2]);
    if (!m || !Number.isFinite(value)) continue;
    out.push({ major: Number(m[1]), minor: Number(m[2]), op: f[1]!, value });
  }
  return out;
}

/** cgroup v2 io.stat: "MAJ:MIN rbytes=… wbytes=… rios=… wios=… …" per device. */
export function parseV2IoStat(text: string): { serviceBytes: BlkioEntry[]; serviced: BlkioEntry[] } {
  const serviceBytes: BlkioEntry[] = [];
  const serviced: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [dev, ...kvs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    const kv: Record<string, number> = {};
    for (const p of kvs) {
      const i = p.indexOf('=');
      if (i > 0) kv[p.slice(0, i)] = Number(p.slice(i + 1));
    }
    serviceBytes.push({ major, minor, op: 'read', value: kv.rbytes ?? 0 }, { major, minor, op: 'write', value: kv.wbytes ?? 0 });
    serviced.push({ major, minor, op: 'read', value: kv.rios ?? 0 }, { major, minor, op: 'write', value: kv.wios ?? 0 });
  }
  return { serviceBytes, serviced };
}

/**
 * /proc/stat: the "cpu" line summed (user nice system idle iowait irq softirq, as Docker sums
 * them) in ns, and the number of "cpuN" lines, which are the online CPUs.
 */
export function parseProcStat(text: string): HostCpuSample {
  let systemNs = 0;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) {
      const f = line.trim().split(/\s+/).slice(1, 8).map(Number);
      systemNs = f.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) * NS_PER_TICK;
    } else if (/^cpu\d+ /.test(line)) {
      onlineCpus++;
    } else if (onlineCpus > 0) {
      break;
    }
  }
  return { systemNs, onlineCpus };
}

/** /proc/<pid>/net/dev, without the loopback interface. */
export function parseNetDev(text: string): Record<string, NetDevCounters> {
  const out: Record<string, NetDevCounters> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const name = line.slice(0, i).trim();
    if (!name || name === 'lo' || name.includes('|')) continue;
    const f = line.slice(i + 1).trim().split(/\s+/).map(Number);
    if (f.length < 16) continue;
    out[name] = {
      rxBytes: f[0]!, rxPackets: f[1]!, rxErrors: f[2]!, rxDropped: f[3]!,
      txBytes: f[8]!, txPackets: f[9]!, txErrors: f[10]!, txDropped: f[11]!,
    };
  }
  return out;
}
