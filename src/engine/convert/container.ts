import type { ContainerInspectResponse, ContainerSummary } from '../../api/container.js';
import type { ContainerRecord } from '../container/model.js';
import { humanDuration } from '../../lib/time/human-duration.js';

const ms = (iso: string): number => Date.parse(iso);

/** The `Status` column text: "Up 3 seconds", "Exited (1) 2 minutes ago", "Created". */
export function statusText(rec: ContainerRecord, nowMs = Date.now()): string {
  const s = rec.state;
  switch (s.status) {
    case 'running':
      return `Up ${humanDuration(nowMs - ms(s.startedAt))}`;
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

function networks(rec: ContainerRecord): Record<string, unknown> {
  const mode = rec.hostConfig.NetworkMode as string;
  return {
    [mode]: {
      IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0,
      NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
      IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
    },
  };
}

function mounts(rec: ContainerRecord): ContainerSummary['Mounts'] {
  return ((rec.hostConfig.Binds ?? []) as string[]).map((b) => {
    const [source, destination, mode = ''] = b.split(':');
    return { Type: 'bind', Source: source, Destination: destination, Mode: mode, RW: !mode.split(',').includes('ro'), Propagation: 'rprivate' };
  });
}

export function toSummary(rec: ContainerRecord, size?: { rw: number; rootFs: number }): ContainerSummary {
  return {
    Id: rec.id,
    Names: [`/${rec.name}`],
    Image: rec.imageRef,
    ImageID: rec.imageId,
    Command: commandText(rec),
    Created: Math.floor(ms(rec.created) / 1000),
    Ports: [],
    ...(size ? { SizeRw: size.rw, SizeRootFs: size.rootFs } : {}),
    Labels: rec.config.Labels ?? {},
    State: rec.state.status,
    Status: statusText(rec),
    HostConfig: { NetworkMode: rec.hostConfig.NetworkMode as string },
    NetworkSettings: { Networks: networks(rec) },
    Mounts: mounts(rec),
  };
}

export function toInspect(rec: ContainerRecord, graph: { upper?: string; merged?: string; work?: string; lower?: string }): ContainerInspectResponse {
  const s = rec.state;
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: {
      Status: s.status,
      Running: s.status === 'running' || s.status === 'paused',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      Dead: s.status === 'dead',
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
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
    HostConfig: rec.hostConfig,
    GraphDriver: { Name: 'overlay2', Data: { LowerDir: graph.lower ?? '', MergedDir: graph.merged ?? '', UpperDir: graph.upper ?? '', WorkDir: graph.work ?? '' } },
    Mounts: mounts(rec),
    Config: rec.config,
    NetworkSettings: {
      Bridge: '', SandboxID: '', SandboxKey: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
      Ports: {}, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
      Networks: networks(rec),
    },
  } as ContainerInspectResponse;
}
