import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { decodeSeccompProfile, parseDeviceCgroupRule, parseSignal } from '../../runtime/index.js';
import { validateNamespaceModes } from './validate-namespaces.js';
import { devicesOf } from './steps/host-resources.js';

/** `set` is Go's map[string]struct{} (ExposedPorts, Volumes): an object whose values are objects. */
type Kind = 'string' | 'strings' | 'number' | 'boolean' | 'object' | 'array' | 'stringMap' | 'set';

const CONFIG_FIELDS: Record<string, Kind> = {
  Hostname: 'string', Domainname: 'string', User: 'string', AttachStdin: 'boolean', AttachStdout: 'boolean', AttachStderr: 'boolean',
  Tty: 'boolean', OpenStdin: 'boolean', StdinOnce: 'boolean', Env: 'strings', Cmd: 'strings', Image: 'string', WorkingDir: 'string',
  Entrypoint: 'strings', Labels: 'stringMap', StopSignal: 'string', StopTimeout: 'number', ExposedPorts: 'set', Volumes: 'set',
  HostConfig: 'object', NetworkingConfig: 'object', NetworkDisabled: 'boolean', MacAddress: 'string', Shell: 'strings', Healthcheck: 'object',
};

const HOST_FIELDS: Record<string, Kind> = {
  Binds: 'strings', NetworkMode: 'string', AutoRemove: 'boolean', CapAdd: 'strings', CapDrop: 'strings', Privileged: 'boolean',
  ReadonlyRootfs: 'boolean', Tmpfs: 'stringMap', Runtime: 'string', LogConfig: 'object', Memory: 'number', MemorySwap: 'number',
  MemoryReservation: 'number', NanoCpus: 'number', CpuShares: 'number', CpuPeriod: 'number', CpuQuota: 'number', CpusetCpus: 'string',
  CpusetMems: 'string', PidsLimit: 'number', Ulimits: 'array', ShmSize: 'number', RestartPolicy: 'object', GroupAdd: 'strings',
  Sysctls: 'stringMap', Links: 'strings', VolumesFrom: 'strings', OomScoreAdj: 'number', PortBindings: 'object', Dns: 'strings',
  DnsOptions: 'strings', DnsSearch: 'strings', ExtraHosts: 'strings', Init: 'boolean', IpcMode: 'string', PidMode: 'string', UTSMode: 'string',
  Annotations: 'stringMap', Mounts: 'array', SecurityOpt: 'strings', BlkioWeight: 'number', DeviceCgroupRules: 'strings',
  CpuRealtimePeriod: 'number', CpuRealtimeRuntime: 'number', StorageOpt: 'stringMap',
  Devices: 'array', CgroupnsMode: 'string', CgroupParent: 'string', UsernsMode: 'string', OomKillDisable: 'boolean',
};

const HEALTHCHECK_FIELDS: Record<string, Kind> = {
  Test: 'strings', Interval: 'number', Timeout: 'number', StartPeriod: 'number', StartInterval: 'number', Retries: 'number',
};

function check(where: string, obj: Record<string, unknown>, fields: Record<string, Kind>): void {
  for (const [k, kind] of Object.entries(fields)) {
    const v = obj[k];
    if (v === undefined || v === null) continue; // null means unset, as Docker reads it
    const bad = (): never => {
      throw new InvalidArgumentError(`invalid JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go struct field ${where}.${k}`);
    };
    switch (kind) {
      case 'string': if (typeof v !== 'string') bad(); break;
      // Every numeric field here is an int64 in Docker: fractions and huge values are refused
      // now, not at start by the runtime (and not stored to break every later inspect).
      case 'number': if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(); break;
      case 'boolean': if (typeof v !== 'boolean') bad(); break;
      case 'strings': if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(); break;
      case 'object': if (typeof v !== 'object' || Array.isArray(v)) bad(); break;
      case 'array': if (!Array.isArray(v)) bad(); break;
      case 'set':
        if (typeof v !== 'object' || Array.isArray(v) || Object.values(v as object).some((x) => x !== null && (typeof x !== 'object' || Array.isArray(x)))) bad();
        break;
      case 'stringMap':
        if (typeof v !== 'object' || Array.isArray(v) || Object.values(v as object).some((x) => typeof x !== 'string')) bad();
        break;
    }
  }
}

/**
 * Checks the types and values of a create request before anything is made, so a bad field is
 * a 400 rather than a failed start later.
 */
export function validateCreateRequest(req: Record<string, unknown>): void {
  check('container.Config', req, CONFIG_FIELDS);
  const hc = (req.HostConfig ?? {}) as Record<string, unknown>;
  if (Array.isArray(hc)) throw new InvalidArgumentError('invalid JSON: HostConfig must be an object');
  check('container.HostConfig', hc, HOST_FIELDS);
  if (req.Healthcheck) check('container.Config.Healthcheck', req.Healthcheck as Record<string, unknown>, HEALTHCHECK_FIELDS);
  validateConfigValues(req);
  validateResources(hc);
  for (const e of (req.Env ?? []) as string[]) {
    if (e.includes('\0')) throw new InvalidArgumentError(`invalid environment variable: it contains a NUL byte`);
    if (e === '' || e.startsWith('=')) throw new InvalidArgumentError(`invalid environment variable: ${e}`);
  }
  for (const l of Object.keys((req.Labels ?? {}) as object)) if (l.includes('\0')) throw new InvalidArgumentError('invalid label: it contains a NUL byte');
  if (typeof hc.CpuShares === 'number' && hc.CpuShares < 0) throw new InvalidArgumentError(`invalid CPU shares (${hc.CpuShares}): value must be a positive integer`);
  if (typeof hc.ShmSize === 'number' && hc.ShmSize < 0) throw new InvalidArgumentError('SHM size can not be less than 0');
  if (typeof hc.OomScoreAdj === 'number' && (hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000)) throw new InvalidArgumentError(`Invalid value ${hc.OomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  if (typeof hc.CpusetCpus === 'string' && hc.CpusetCpus && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(hc.CpusetCpus)) throw new InvalidArgumentError(`invalid value ${hc.CpusetCpus} for cpuset cpus`);
  if (typeof hc.CpusetCpus === 'string' && hc.CpusetCpus) {
    const available = cpus().length;
    for (const part of hc.CpusetCpus.split(',')) {
      const [a, b] = part.split('-').map(Number);
      if (b !== undefined && b < a!) throw new InvalidArgumentError(`invalid value ${hc.CpusetCpus} for cpuset cpus`);
      if (Math.max(a!, b ?? a!) >= available) {
        throw new InvalidArgumentError(`Requested CPUs are not available - requested ${hc.CpusetCpus}, available: 0-${available - 1}`);
      }
    }
  }
  for (const k of ['CpuPeriod', 'CpuQuota', 'Memory', 'MemoryReservation', 'NanoCpus', 'ShmSize'] as const) {
    if (typeof hc[k] === 'number' && (hc[k] as number) < 0 && !(k === 'CpuQuota' && hc[k] === -1)) throw new InvalidArgumentError(`invalid ${k}: it must not be negative`);
  }
  if (typeof hc.BlkioWeight === 'number' && hc.BlkioWeight !== 0 && (hc.BlkioWeight < 10 || hc.BlkioWeight > 1000)) {
    throw new InvalidArgumentError('Range of blkio weight is from 10 to 1000');
  }
  for (const field of ['CapAdd', 'CapDrop'] as const) {
    for (const cap of (hc[field] ?? []) as string[]) {
      const name = cap.toUpperCase().replace(/^CAP_/, '');
      if (name !== 'ALL' && !CAPABILITIES.has(name)) throw new InvalidArgumentError(`invalid ${field}: unknown capability: "CAP_${name}"`);
    }
  }
  for (const u of (Array.isArray(hc.Ulimits) ? hc.Ulimits : []) as Array<{ Name?: unknown; Soft?: unknown; Hard?: unknown }>) {
    if (typeof u?.Name !== 'string' || typeof u.Soft !== 'number' || typeof u.Hard !== 'number') throw new InvalidArgumentError('invalid ulimit');
    // Checked now, not by the spec at start: a container that can never start is not made.
    if (!ULIMIT_NAMES.has(u.Name.toLowerCase())) throw new InvalidArgumentError(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard) throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  }
  validateNamespaceModes(hc, typeof req.Hostname === 'string' ? req.Hostname : '');
  if (hc.Annotations && Object.keys(hc.Annotations as object).includes('')) throw new InvalidArgumentError('invalid Annotations: the empty string is not permitted as an annotation key');
  validateMounts(hc.Mounts);
  validateSecurityOpt(hc.SecurityOpt);
  for (const key of Object.keys((req.ExposedPorts ?? {}) as object)) checkPortSpec(key);
  // Ports, links and the networks to join are checked against each other in create-network.ts.
  if (hc.StorageOpt && Object.keys(hc.StorageOpt as object).length > 0) {
    // berth's overlay snapshotter keeps no project quotas, so it cannot honour a size.
    throw new InvalidArgumentError("--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
  }

}

/** Values of the portable config that Docker checks at create. */
function validateConfigValues(req: Record<string, unknown>): void {
  if (typeof req.StopSignal === 'string' && req.StopSignal !== '') parseSignal(req.StopSignal);
  const hc = req.Healthcheck as Record<string, number | undefined> | undefined;
  if (hc) {
    // Docker's floor for every health-check duration (nanoseconds); 0 means "inherit".
    const MIN = 1_000_000;
    for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
      const v = hc[k];
      if (v !== undefined && v !== null && v !== 0 && v < MIN) throw new InvalidArgumentError(`${k} in Healthcheck cannot be less than 1ms`);
    }
    if (typeof hc.Retries === 'number' && hc.Retries < 0) throw new InvalidArgumentError('Retries in Healthcheck cannot be negative');
  }
}

/** Resource values Docker refuses at create, before the runtime would refuse them at start. */
function validateResources(hc: Record<string, unknown>): void {
  if (typeof hc.CpusetMems === 'string' && hc.CpusetMems !== '') {
    const nodes = parseCpuList(hc.CpusetMems);
    if (!nodes) throw new InvalidArgumentError(`Invalid value ${hc.CpusetMems} for cpuset mems`);
    const online = parseCpuList(readSys('/sys/devices/system/node/online') ?? '0') ?? [0];
    if (nodes.some((n) => !online.includes(n))) {
      throw new InvalidArgumentError(`Requested memory nodes are not available - requested ${hc.CpusetMems}, available: ${readSys('/sys/devices/system/node/online') ?? '0'}`);
    }
  }
  for (const rule of (hc.DeviceCgroupRules ?? []) as string[]) parseDeviceCgroupRule(rule);
  // A device that is not there is refused now, so no container is left that can never start.
  devicesOf(hc.Devices);
  const rtPeriod = (hc.CpuRealtimePeriod ?? 0) as number;
  const rtRuntime = (hc.CpuRealtimeRuntime ?? 0) as number;
  if (rtPeriod < 0 || rtRuntime < -1) throw new InvalidArgumentError('invalid CPU real-time period or runtime: it must not be negative');
  if (rtPeriod > 0 || rtRuntime > 0) {
    if (!CPU_RT_FILES.some((f) => existsSync(f))) throw new InvalidArgumentError('Your kernel does not support CPU real-time scheduler');
    if (rtPeriod > 0 && rtRuntime > rtPeriod) throw new InvalidArgumentError('cpu-rt-runtime cannot be higher than cpu-rt-period');
  }
}

/** Where a cgroup v1 host exposes the real-time scheduler's budget (absent: not supported). */
const CPU_RT_FILES = ['/sys/fs/cgroup/cpu/cpu.rt_runtime_us', '/sys/fs/cgroup/cpu,cpuacct/cpu.rt_runtime_us'];

function readSys(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** "0-2,4" -> [0, 1, 2, 4]; undefined when malformed. */
function parseCpuList(list: string): number[] | undefined {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(list)) return undefined;
  const out: number[] = [];
  for (const part of list.split(',')) {
    const [a, b = a] = part.split('-').map(Number) as [number, number?];
    if (b! < a || b! - a > 4096) return undefined;
    for (let i = a; i <= b!; i++) out.push(i);
  }
  return out;
}

/** An ExposedPorts key: "80", "80/tcp", "8000-8010/udp" (tcp, udp or sctp; ports up to 65535). */
function checkPortSpec(key: string): void {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp))?$/.exec(key);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo > 65535 || hi > 65535 || hi < lo) throw new InvalidArgumentError(`invalid port specification: "${key}"`);
}

/**
 * Go's filepath.IsLocal, Docker's test for a volume subpath: relative, not empty, no NUL, and not
 * climbing above where it starts once cleaned ("a/../b" is fine, "a/../../b" is not).
 */
export function isLocalPath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\0')) return false;
  let depth = 0;
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return false;
  }
  return true;
}

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

/** HostConfig.Mounts (`--mount`): bind, tmpfs and volume (whether volumes can be had is create's question). */
function validateMounts(mounts: unknown): void {
  if (mounts === undefined || mounts === null) return;
  if (!Array.isArray(mounts)) throw new InvalidArgumentError('invalid JSON: Mounts must be an array');
  const targets = new Set<string>();
  for (const m of mounts as Array<Record<string, unknown>>) {
    const type = m?.Type;
    if (type !== 'bind' && type !== 'tmpfs' && type !== 'volume') throw new InvalidArgumentError(`invalid mount config for type "${String(type)}": mount type unknown`);
    const target = m.Target;
    if (typeof target !== 'string' || target === '') throw new InvalidArgumentError(`invalid mount config for type "${type}": field Target must not be empty`);
    if (!target.startsWith('/')) throw new InvalidArgumentError(`invalid mount config for type "${type}": invalid mount path: '${target}' mount path must be absolute`);
    if (target.replace(/\/+$/, '') === '') throw new InvalidArgumentError('invalid specification: destination can\'t be \'/\'');
    if (targets.has(target)) throw new InvalidArgumentError(`Duplicate mount point: ${target}`);
    targets.add(target);
    for (const [field, owner] of [['BindOptions', 'bind'], ['VolumeOptions', 'volume'], ['TmpfsOptions', 'tmpfs']] as const) {
      if (m[field] && type !== owner) throw new InvalidArgumentError(`invalid mount config for type "${type}": field ${field} must not be specified`);
    }
    if (type === 'bind') {
      if (typeof m.Source !== 'string' || m.Source === '') throw new InvalidArgumentError('invalid mount config for type "bind": field Source must not be empty');
      const bo = (m.BindOptions ?? {}) as { Propagation?: string; CreateMountpoint?: boolean; ReadOnlyNonRecursive?: boolean; ReadOnlyForceRecursive?: boolean };
      if (bo.Propagation && !PROPAGATIONS.includes(bo.Propagation)) throw new InvalidArgumentError(`invalid mount config for type "bind": invalid propagation mode: ${bo.Propagation}`);
      if (!m.Source.startsWith('/')) throw new InvalidArgumentError(`invalid mount config for type "bind": invalid mount path: '${m.Source}' mount path must be absolute`);
      // With CreateMountpoint (bind-create-src) the start makes it, as for a -v bind.
      if (!existsSync(m.Source) && !bo.CreateMountpoint) throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
      // Docker finds these at start; they are as wrong at create.
      if (!m.ReadOnly && bo.ReadOnlyNonRecursive) throw new InvalidArgumentError('mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive');
      if (!m.ReadOnly && bo.ReadOnlyForceRecursive) throw new InvalidArgumentError('mount options conflict: !ReadOnly && BindOptions.ReadOnlyForceRecursive');
      if (bo.ReadOnlyNonRecursive && bo.ReadOnlyForceRecursive) throw new InvalidArgumentError('mount options conflict: ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive');
    }
    if (type === 'volume') {
      const subpath = (m.VolumeOptions as { Subpath?: unknown } | undefined)?.Subpath;
      if (subpath !== undefined && subpath !== null && subpath !== '') {
        if (typeof subpath !== 'string') throw new InvalidArgumentError('invalid JSON: VolumeOptions.Subpath must be a string');
        if (!m.Source) throw new InvalidArgumentError('invalid mount config for type "volume": must not set Subpath when using anonymous volumes');
        if (!isLocalPath(subpath)) throw new InvalidArgumentError('invalid mount config for type "volume": subpath must be a relative path within the volume');
      }
    }
  }
}

/** The `--security-opt` values berth understands; anything else is refused, not ignored. */
function validateSecurityOpt(opts: unknown): void {
  for (const o of (Array.isArray(opts) ? opts : []) as string[]) {
    const [key, value = ''] = o.split(/[=:](.*)/s);
    if (key === 'seccomp') {
      if (value !== 'unconfined' && value !== 'builtin') decodeSeccompProfile(value);
      continue;
    }
    if (key === 'no-new-privileges' || key === 'label' || key === 'apparmor') continue;
    throw new InvalidArgumentError(`invalid --security-opt: ${JSON.stringify(o)}`);
  }
}

/** The rlimits `--ulimit` may name (RLIMIT_ without the prefix, lower case). */
const ULIMIT_NAMES = new Set([
  'cpu', 'fsize', 'data', 'stack', 'core', 'rss', 'nproc', 'nofile', 'memlock', 'as', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'rttime',
]);

/** Linux capability names (without CAP_), for checking --cap-add and --cap-drop at create. */
const CAPABILITIES = new Set([
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT',
  'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE',
  'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ',
  'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
]);
