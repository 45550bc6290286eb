import { readFileSync } from 'node:fs';
import type { ContainerCreateRequest, HostConfig } from '../../../api/container.js';
import { UsageError, type FlagSpec, type ParsedFlags } from '../../flags.js';
import { parseGoDuration } from '../../format/timestamp.js';
import { ramInBytes } from '../../format/units.js';

/**
 * The less common create/run flags: resource knobs, namespaces, security, devices, health checks
 * and mounts. They pass straight into the create request; the daemon decides what it supports.
 */
export const MORE_CREATE_FLAGS: FlagSpec[] = [
  { name: 'annotation', kind: 'list', description: 'Add an annotation to the container (passed through to the OCI runtime)' },
  { name: 'blkio-weight', kind: 'int', description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable' },
  { name: 'cgroup-parent', kind: 'string', description: 'Optional parent cgroup for the container' },
  { name: 'cgroupns', kind: 'string', description: 'Cgroup namespace to use (host|private)' },
  { name: 'cidfile', kind: 'string', description: 'Write the container ID to the file' },
  { name: 'cpu-period', kind: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { name: 'cpu-quota', kind: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { name: 'cpu-rt-period', kind: 'int', description: 'Limit CPU real-time period in microseconds' },
  { name: 'cpu-rt-runtime', kind: 'int', description: 'Limit CPU real-time runtime in microseconds' },
  { name: 'cpu-shares', short: 'c', kind: 'int', description: 'CPU shares (relative weight)' },
  { name: 'cpuset-cpus', kind: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', kind: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
  { name: 'device', kind: 'list', description: 'Add a host device to the container' },
  { name: 'device-cgroup-rule', kind: 'list', description: 'Add a rule to the cgroup allowed devices list' },
  { name: 'disable-content-trust', kind: 'bool', default: true, description: 'Skip image verification' },
  { name: 'dns-option', kind: 'list', description: 'Set DNS options' },
  { name: 'dns-opt', kind: 'list', hidden: true },
  { name: 'dns-search', kind: 'list', description: 'Set custom DNS search domains' },
  { name: 'domainname', kind: 'string', description: 'Container NIS domain name' },
  { name: 'group-add', kind: 'list', description: 'Add additional groups to join' },
  { name: 'health-cmd', kind: 'string', description: 'Command to run to check health' },
  { name: 'health-interval', kind: 'string', valueName: 'duration', description: 'Time between running the check (ms|s|m|h)' },
  { name: 'health-retries', kind: 'int', description: 'Consecutive failures needed to report unhealthy' },
  { name: 'health-start-interval', kind: 'string', valueName: 'duration', description: 'Time between running the check during the start period (ms|s|m|h)' },
  { name: 'health-start-period', kind: 'string', valueName: 'duration', description: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h)' },
  { name: 'health-timeout', kind: 'string', valueName: 'duration', description: 'Maximum time to allow one check to run (ms|s|m|h)' },
  { name: 'ip', kind: 'string', description: 'IPv4 address (e.g., 172.30.100.104)' },
  { name: 'ip6', kind: 'string', description: 'IPv6 address (e.g., 2001:db8::33)' },
  { name: 'ipc', kind: 'string', description: 'IPC mode to use' },
  { name: 'isolation', kind: 'string', description: 'Container isolation technology' },
  { name: 'label-file', kind: 'list', description: 'Read in a line delimited file of labels' },
  { name: 'link', kind: 'list', description: 'Add link to another container' },
  { name: 'mac-address', kind: 'string', description: 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' },
  { name: 'memory-reservation', kind: 'string', valueName: 'bytes', description: 'Memory soft limit' },
  { name: 'memory-swap', kind: 'string', valueName: 'bytes', description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
  { name: 'memory-swappiness', kind: 'int', default: -1, description: 'Tune container memory swappiness (0 to 100)' },
  { name: 'network-alias', kind: 'list', description: 'Add network-scoped alias for the container' },
  { name: 'net-alias', kind: 'list', hidden: true },
  { name: 'no-healthcheck', kind: 'bool', description: 'Disable any container-specified HEALTHCHECK' },
  { name: 'oom-kill-disable', kind: 'bool', description: 'Disable OOM Killer' },
  { name: 'oom-score-adj', kind: 'int', description: "Tune host's OOM preferences (-1000 to 1000)" },
  { name: 'pid', kind: 'string', description: 'PID namespace to use' },
  { name: 'security-opt', kind: 'list', description: 'Security Options' },
  { name: 'shm-size', kind: 'string', valueName: 'bytes', description: 'Size of /dev/shm' },
  { name: 'storage-opt', kind: 'list', description: 'Storage driver options for the container' },
  { name: 'sysctl', kind: 'list', description: 'Sysctl options' },
  { name: 'userns', kind: 'string', description: 'User namespace to use' },
  { name: 'uts', kind: 'string', description: 'UTS namespace to use' },
  { name: 'volume-driver', kind: 'string', description: 'Optional volume driver for the container' },
  { name: 'volumes-from', kind: 'list', description: 'Mount volumes from the specified container(s)' },
  { name: 'blkio-weight-device', kind: 'list', description: 'Block IO weight (relative device weight)' },
  { name: 'device-read-bps', kind: 'list', description: 'Limit read rate (bytes per second) from a device' },
  { name: 'device-read-iops', kind: 'list', description: 'Limit read rate (IO per second) from a device' },
  { name: 'device-write-bps', kind: 'list', description: 'Limit write rate (bytes per second) to a device' },
  { name: 'device-write-iops', kind: 'list', description: 'Limit write rate (IO per second) to a device' },
  { name: 'gpus', kind: 'string', valueName: 'gpu-request', description: "GPU devices to add to the container ('all' to pass all GPUs)" },
  { name: 'link-local-ip', kind: 'list', description: 'Container IPv4/IPv6 link-local addresses' },
  // Windows-only or deprecated in docker too: sent as docker sends them, for the daemon to ignore
  { name: 'cpu-count', kind: 'int', hidden: true },
  { name: 'cpu-percent', kind: 'int', hidden: true },
  { name: 'io-maxbandwidth', kind: 'string', hidden: true },
  { name: 'io-maxiops', kind: 'int', hidden: true },
  { name: 'kernel-memory', kind: 'string', hidden: true },
  // docker 28's experimental socket forwarding; accepted so scripts run, nothing to forward here
  { name: 'use-api-socket', kind: 'bool', hidden: true },
];

/** Copies the flags above into the create request. @throws {UsageError} or Error, as docker reports them. */
export function applyMoreCreateFlags(flags: ParsedFlags, config: ContainerCreateRequest, host: HostConfig): void {
  const set = (key: string, value: unknown): void => { if (value !== undefined) host[key] = value; };
  const changed = (name: string): boolean => flags.changed(name);
  const bytes = (name: string): number | undefined => {
    if (!changed(name)) return undefined;
    const v = flags.string(name) ?? '';
    if (v === '-1') return -1;
    try { return ramInBytes(v); } catch { throw new UsageError(`invalid argument "${v}" for "--${name}" flag: invalid size: '${v}'`); }
  };
  for (const [flag, key] of [['cpu-period', 'CpuPeriod'], ['cpu-quota', 'CpuQuota'], ['cpu-rt-period', 'CpuRealtimePeriod'],
    ['cpu-rt-runtime', 'CpuRealtimeRuntime'], ['cpu-shares', 'CpuShares'], ['blkio-weight', 'BlkioWeight'],
    ['oom-score-adj', 'OomScoreAdj'], ['memory-swappiness', 'MemorySwappiness']] as const) {
    if (changed(flag)) set(key, flags.int(flag));
  }
  for (const [flag, key] of [['cpuset-cpus', 'CpusetCpus'], ['cpuset-mems', 'CpusetMems'], ['cgroup-parent', 'CgroupParent'],
    ['cgroupns', 'CgroupnsMode'], ['ipc', 'IpcMode'], ['pid', 'PidMode'], ['uts', 'UTSMode'], ['userns', 'UsernsMode'],
    ['isolation', 'Isolation'], ['volume-driver', 'VolumeDriver']] as const) {
    if (changed(flag)) set(key, flags.string(flag));
  }
  set('DnsOptions', [...flags.list('dns-option'), ...flags.list('dns-opt')]);
  set('DnsSearch', flags.list('dns-search'));
  for (const [flag, key] of [['security-opt', 'SecurityOpt'], ['group-add', 'GroupAdd'],
    ['link', 'Links'], ['volumes-from', 'VolumesFrom'], ['device-cgroup-rule', 'DeviceCgroupRules']] as const) {
    if (changed(flag)) set(key, flags.list(flag));
  }
  set('MemoryReservation', bytes('memory-reservation'));
  set('MemorySwap', bytes('memory-swap'));
  set('ShmSize', bytes('shm-size'));
  if (flags.bool('oom-kill-disable')) set('OomKillDisable', true);
  if (changed('sysctl')) set('Sysctls', pairs(flags.list('sysctl')));
  if (changed('storage-opt')) set('StorageOpt', pairs(flags.list('storage-opt')));
  if (changed('annotation')) set('Annotations', pairs(flags.list('annotation')));
  if (changed('device')) set('Devices', flags.list('device').map(parseDevice));
  for (const [flag, key, bytesRate] of [['device-read-bps', 'BlkioDeviceReadBps', true], ['device-write-bps', 'BlkioDeviceWriteBps', true],
    ['device-read-iops', 'BlkioDeviceReadIOps', false], ['device-write-iops', 'BlkioDeviceWriteIOps', false]] as const) {
    if (changed(flag)) set(key, flags.list(flag).map((v) => throttle(flag, v, bytesRate)));
  }
  if (changed('blkio-weight-device')) {
    set('BlkioWeightDevice', flags.list('blkio-weight-device').map((v) => {
      const { Path, Rate } = throttle('blkio-weight-device', v, false);
      return { Path, Weight: Rate };
    }));
  }
  if (changed('cpu-count')) set('CpuCount', flags.int('cpu-count'));
  if (changed('cpu-percent')) set('CpuPercent', flags.int('cpu-percent'));
  if (changed('io-maxiops')) set('IOMaximumIOps', flags.int('io-maxiops'));
  if (changed('io-maxbandwidth')) set('IOMaximumBandwidth', bytes('io-maxbandwidth'));
  if (changed('kernel-memory')) set('KernelMemory', bytes('kernel-memory'));
  if (changed('gpus')) set('DeviceRequests', [gpuRequest(flags.string('gpus') ?? '')]);
  if (changed('domainname')) config.Domainname = flags.string('domainname');
  if (changed('mount')) set('Mounts', flags.list('mount').map(parseMount));
  for (const file of flags.list('label-file')) {
    const lines = readLines(file);
    config.Labels = { ...pairs(lines), ...config.Labels };
  }
  const health = healthcheck(flags);
  if (health) config['Healthcheck'] = health;
  // --ip, --ip6, --network-alias, --link-local-ip and --mac-address go to the first network's endpoint: network-options.ts.
}

function pairs(list: string[]): Record<string, string> {
  return Object.fromEntries(list.map((item) => {
    const eq = item.indexOf('=');
    return eq < 0 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)];
  }));
}

function readLines(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** `/dev/sda:1mb` (or `:100` for IOPS and weights) → `{ Path, Rate }`. */
function throttle(flag: string, spec: string, bytesRate: boolean): { Path: string; Rate: number } {
  const colon = spec.lastIndexOf(':');
  const path = spec.slice(0, colon);
  const raw = spec.slice(colon + 1);
  let rate: number;
  try {
    rate = bytesRate ? ramInBytes(raw) : Number(raw);
  } catch {
    rate = Number.NaN;
  }
  if (colon <= 0 || !Number.isInteger(rate) || rate < 0) {
    throw new UsageError(`invalid argument "${spec}" for "--${flag}" flag: invalid value ${raw} for ${flag}`);
  }
  return { Path: path, Rate: rate };
}

/** `all`, `2`, or `device=0,1` → an Engine API `DeviceRequest` for GPUs. */
function gpuRequest(spec: string): Record<string, unknown> {
  const req: Record<string, unknown> = { Driver: '', Count: 0, DeviceIDs: null, Capabilities: [['gpu']], Options: {} };
  if (spec === 'all') req['Count'] = -1;
  else if (/^\d+$/.test(spec)) req['Count'] = Number(spec);
  else if (spec.startsWith('device=')) req['DeviceIDs'] = spec.slice('device='.length).replace(/^"|"$/g, '').split(',');
  else throw new UsageError(`invalid argument "${spec}" for "--gpus" flag: unexpected gpu request "${spec}"`);
  return req;
}

/** `/dev/sda[:/dev/xvda[:rwm]]` → the Engine API device mapping. */
function parseDevice(spec: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const [host, second, third] = spec.split(':');
  const isPerms = (s?: string): boolean => !!s && /^[rwm]+$/.test(s);
  const inContainer = second && !isPerms(second) ? second : host!;
  const perms = third ?? (isPerms(second) ? second! : 'rwm');
  return { PathOnHost: host!, PathInContainer: inContainer, CgroupPermissions: perms };
}

/** `type=bind,source=/a,target=/b,readonly` → an Engine API `Mount`. */
export function parseMount(spec: string): Record<string, unknown> {
  const mount: Record<string, unknown> = { Type: 'volume' };
  const volumeOptions: Record<string, unknown> = {};
  const tmpfsOptions: Record<string, unknown> = {};
  const bindOptions: Record<string, unknown> = {};
  const mountError = (why: string): UsageError => new UsageError(`invalid argument "${spec}" for "--mount" flag: ${why}`);
  const boolValue = (key: string, value: string | undefined): boolean => {
    if (value === undefined || value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw mountError(`invalid value for '${key}': invalid boolean value ("${value}"): must be one of "true", "1", "false", or "0" (default "true")`);
  };
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    switch (key) {
      case 'type': mount['Type'] = value; break;
      case 'source': case 'src': mount['Source'] = value; break;
      case 'target': case 'destination': case 'dst': mount['Target'] = value; break;
      case 'readonly': case 'ro': mount['ReadOnly'] = value === undefined || value === 'true' || value === '1'; break;
      case 'consistency': mount['Consistency'] = value; break;
      case 'bind-propagation': bindOptions['Propagation'] = value?.toLowerCase(); break;
      case 'bind-nonrecursive': bindOptions['NonRecursive'] = boolValue(key, value); break;
      case 'bind-recursive':
        if (value === 'disabled') bindOptions['NonRecursive'] = true;
        else if (value === 'writable') bindOptions['ReadOnlyNonRecursive'] = true;
        else if (value === 'readonly') bindOptions['ReadOnlyForceRecursive'] = true;
        else if (value !== 'enabled') throw mountError(`invalid value for bind-recursive: ${value ?? ''} (must be "enabled", "disabled", "writable", or "readonly")`);
        break;
      case 'bind-create-src':
        if (value === undefined) throw mountError(`invalid field '${field}' must be a key=value pair`);
        bindOptions['CreateMountpoint'] = boolValue(key, value);
        break;
      case 'volume-nocopy': volumeOptions['NoCopy'] = value === undefined || value === 'true'; break;
      case 'volume-label': volumeOptions['Labels'] = { ...(volumeOptions['Labels'] as object), ...pairs([value ?? '']) }; break;
      case 'volume-driver': volumeOptions['DriverConfig'] = { ...(volumeOptions['DriverConfig'] as object), Name: value }; break;
      case 'volume-subpath': volumeOptions['Subpath'] = value ?? ''; break;
      case 'volume-opt': {
        const driver = (volumeOptions['DriverConfig'] ?? {}) as { Options?: Record<string, string> };
        volumeOptions['DriverConfig'] = { ...driver, Options: { ...driver.Options, ...pairs([value ?? '']) } };
        break;
      }
      case 'tmpfs-size': tmpfsOptions['SizeBytes'] = ramInBytes(value ?? ''); break;
      case 'tmpfs-mode': tmpfsOptions['Mode'] = parseInt(value ?? '', 8); break;
      default: throw new UsageError(`invalid argument "${spec}" for "--mount" flag: unexpected key '${key}' in '${field}'`);
    }
  }
  if (!mount['Target']) throw new UsageError(`invalid argument "${spec}" for "--mount" flag: target is required`);
  if (Object.keys(bindOptions).length) {
    if (mount['Type'] !== 'bind') throw mountError(`cannot mix 'bind-*' options with mount type '${String(mount['Type'])}'`);
    if (bindOptions['ReadOnlyNonRecursive'] && !mount['ReadOnly']) throw mountError("option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
    if (bindOptions['ReadOnlyForceRecursive']) {
      if (!mount['ReadOnly']) throw mountError("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
      if (bindOptions['Propagation'] !== 'rprivate') throw mountError("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
    }
    mount['BindOptions'] = bindOptions;
  }
  if (Object.keys(volumeOptions).length) mount['VolumeOptions'] = volumeOptions;
  if (Object.keys(tmpfsOptions).length) mount['TmpfsOptions'] = tmpfsOptions;
  return mount;
}

/** `Config.Healthcheck` from the --health-* flags; durations in nanoseconds as the API wants. */
function healthcheck(flags: ParsedFlags): Record<string, unknown> | undefined {
  if (flags.bool('no-healthcheck')) return { Test: ['NONE'] };
  const nanos = (name: string): number | undefined => {
    if (!flags.changed(name)) return undefined;
    const v = flags.string(name) ?? '';
    const ms = parseGoDuration(v);
    if (ms === undefined) throw new UsageError(`invalid argument "${v}" for "--${name}" flag: time: invalid duration "${v}"`);
    return Math.round(ms * 1e6);
  };
  const h: Record<string, unknown> = {};
  if (flags.changed('health-cmd')) h['Test'] = ['CMD-SHELL', flags.string('health-cmd')];
  for (const [flag, key] of [['health-interval', 'Interval'], ['health-timeout', 'Timeout'],
    ['health-start-period', 'StartPeriod'], ['health-start-interval', 'StartInterval']] as const) {
    const v = nanos(flag);
    if (v !== undefined) h[key] = v;
  }
  if (flags.changed('health-retries')) h['Retries'] = flags.int('health-retries');
  return Object.keys(h).length ? h : undefined;
}
