import { existsSync } from 'node:fs';
import type { ContainerConfig, ContainerInspectResponse, ContainerSummary, HostConfig } from '../../api/container.js';
import { apiBefore } from '../../api/version.js';
import type { ContainerRecord } from '../container/model.js';
import { humanDuration } from '../../lib/time/human-duration.js';
import type { HealthState } from '../container/health/monitor.js';
import { healthSuffix, toHealth } from './health.js';
import { networkSettings, networksOf, summaryPorts } from './network-settings.js';
import { isUserDefined } from '../container/create-network.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, DEFAULT_SHM_SIZE } from '../../runtime/index.js';

const ms = (iso: string): number => Date.parse(iso);

/** The `Status` column text: "Up 3 seconds", "Up 1 minute (healthy)", "Exited (1) 2 minutes ago", "Created". */
export function statusText(rec: ContainerRecord, nowMs = Date.now(), health?: HealthState): string {
  const s = rec.state;
  switch (s.status) {
    case 'running':
      return `Up ${humanDuration(nowMs - ms(s.startedAt))}${healthSuffix(health)}`;
    case 'paused':
      return `Up ${humanDuration(nowMs - ms(s.startedAt))} (Paused)`;
    case 'restarting':
      return `Restarting (${s.exitCode}) ${humanDuration(nowMs - ms(s.finishedAt))} ago`;
    case 'exited':
      if (!rec.hasBeenStarted && s.finishedAt.startsWith('0001')) return 'Created';
      return `Exited (${s.exitCode}) ${humanDuration(nowMs - ms(s.finishedAt))} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      return 'Created';
  }
}

/** Docker's quoting of the command for `ps` (no truncation; the CLI truncates). */
export function commandText(rec: ContainerRecord): string {
  return [rec.path, ...rec.args].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
}

/** Inspect's `Mounts`: what -v and --mount gave (Docker leaves --tmpfs out). */
function mounts(rec: ContainerRecord): ContainerSummary['Mounts'] {
  return rec.mounts.filter((m) => m.origin !== 'tmpfs').map((m) => ({
    Type: m.type,
    ...(m.name !== undefined ? { Name: m.name } : {}),
    Source: m.source,
    Destination: m.destination,
    ...(m.driver !== undefined ? { Driver: m.driver } : {}),
    Mode: m.mode,
    RW: !m.readOnly,
    Propagation: m.propagation,
  }));
}

/** `linkNames`: "/parent/alias" for each legacy link to this container, which Docker lists among its names. */
export function toSummary(rec: ContainerRecord, size?: { rw: number; rootFs: number }, health?: HealthState, linkNames: string[] = []): ContainerSummary {
  return {
    Id: rec.id,
    Names: [`/${rec.name}`, ...linkNames],
    Image: rec.imageRef,
    ImageID: rec.imageId,
    Command: commandText(rec),
    Created: Math.floor(ms(rec.created) / 1000),
    Ports: summaryPorts(rec),
    ...(size ? { SizeRw: size.rw, SizeRootFs: size.rootFs } : {}),
    Labels: rec.config.Labels ?? {},
    State: rec.state.status,
    Status: statusText(rec, Date.now(), health),
    HostConfig: { NetworkMode: rec.hostConfig.NetworkMode as string },
    NetworkSettings: { Networks: networksOf(rec) },
    Mounts: mounts(rec),
  };
}

/** Whether the kernel has cgroup namespaces (the runtime then gives each container one). */
const CGROUP_NAMESPACES = existsSync('/proc/self/ns/cgroup');

/**
 * Fields Docker always sends in `HostConfig`, at their defaults: Go's zero values (null for
 * lists and maps) and the values the daemon fills in at create. A request's own values win.
 */
function hostConfigDefaults(rec: ContainerRecord): HostConfig {
  const privileged = !!rec.hostConfig.Privileged;
  return {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: 'json-file', Config: {} }, NetworkMode: 'bridge',
    PortBindings: null, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '',
    VolumesFrom: null, ConsoleSize: [0, 0], CapAdd: null, CapDrop: null,
    // The runtime gives every container its own cgroup namespace where the kernel has them.
    CgroupnsMode: CGROUP_NAMESPACES ? 'private' : 'host',
    Dns: null, DnsOptions: null, DnsSearch: null, ExtraHosts: null, GroupAdd: null, IpcMode: 'private', Cgroup: '', Links: null,
    OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '',
    UsernsMode: '', ShmSize: DEFAULT_SHM_SIZE, Runtime: rec.runtime, Isolation: '',
    CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: null, BlkioDeviceReadBps: null,
    BlkioDeviceWriteBps: null, BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null, CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: null, DeviceCgroupRules: null, DeviceRequests: null,
    MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: null, Ulimits: null,
    CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
    MaskedPaths: privileged ? null : [...DEFAULT_MASKED_PATHS],
    ReadonlyPaths: privileged ? null : [...DEFAULT_READONLY_PATHS],
  };
}

/** Fields Docker always sends in `Config` (Go's zero values); the stored config wins. */
const CONFIG_DEFAULTS: ContainerConfig = {
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false,
  StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null,
  WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
};

/** Drops keys whose value is undefined, so a default is not overwritten by "unset". */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Fields the daemon fills in when a request leaves them empty (the CLI sends "" or null for
 * them), rather than keeping the empty value as it does for the rest.
 */
const DAEMON_FILLED = ['IpcMode', 'CgroupnsMode', 'ShmSize', 'Runtime', 'NetworkMode', 'MaskedPaths', 'ReadonlyPaths'] as const;

function inspectHostConfig(rec: ContainerRecord): HostConfig {
  const defaults = hostConfigDefaults(rec);
  const hc: Record<string, unknown> = { ...defaults, ...defined(rec.hostConfig) };
  // Docker shows a legacy link as "/target:/container/alias".
  if (Array.isArray(hc.Links) && hc.Links.length && !isUserDefined(String(hc.NetworkMode))) hc.Links = (hc.Links as string[]).map((l) => linkPath(rec.name, l));
  for (const k of DAEMON_FILLED) if (hc[k] === '' || hc[k] === 0 || hc[k] === null) hc[k] = defaults[k];
  return hc as HostConfig;
}

function inspectConfig(rec: ContainerRecord, apiVersion: string): ContainerConfig {
  const config: ContainerConfig = { ...CONFIG_DEFAULTS, ...defined(rec.config) };
  // An empty volume set is Go's nil map: null on the wire.
  if (config.Volumes && Object.keys(config.Volumes).length === 0) config.Volumes = null;
  // Before 1.44 the container-wide MAC address was always there (empty without a network).
  if (apiBefore(apiVersion, '1.44') && config.MacAddress === undefined) config.MacAddress = '';
  return config;
}

/** `GET /containers/{id}/json`, in the shape of the request's API version. */
export function toInspect(rec: ContainerRecord, graph: { upper?: string; merged?: string; work?: string; lower?: string }, apiVersion: string, health?: HealthState): ContainerInspectResponse {
  const s = rec.state;
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: {
      Status: s.status,
      // Docker counts a container waiting out its restart back-off as running.
      Running: s.status === 'running' || s.status === 'paused' || s.status === 'restarting',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      Dead: s.status === 'dead',
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
      ...(health ? { Health: toHealth(health) } : {}),
    },
    Image: rec.imageId,
    ResolvConfPath: rec.resolvConfPath,
    HostnamePath: rec.hostnamePath,
    HostsPath: rec.hostsPath,
    LogPath: rec.logPath,
    Name: `/${rec.name}`,
    RestartCount: rec.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: inspectHostConfig(rec),
    GraphDriver: { Name: 'overlay2', Data: { LowerDir: graph.lower ?? '', MergedDir: graph.merged ?? '', UpperDir: graph.upper ?? '', WorkDir: graph.work ?? '' } },
    Mounts: mounts(rec),
    Config: inspectConfig(rec, apiVersion),
    NetworkSettings: networkSettings(rec),
  } as ContainerInspectResponse;
}

/** "db:database" of container "web" → "/db:/web/database" (an alias defaults to the name). */
export function linkPath(name: string, link: string): string {
  const [target = '', alias] = link.split(':');
  const t = target.replace(/^\//, '');
  return `/${t}:/${name}/${(alias ?? t).replace(/^\//, '')}`;
}
