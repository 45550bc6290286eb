import { createHash } from 'node:crypto';
import type { EndpointSettings, NetworkSettings, Port } from '../../api/container.js';
import type { EndpointConfig, EndpointState } from '../../network/index.js';
import { hasProcess, type ContainerRecord } from '../container/model.js';
import { portMap } from '../container/ports.js';

const running = (rec: ContainerRecord): boolean => hasProcess(rec.state) && !!rec.networkSandbox;

/** One network of a container as Docker shows it: the asked-for settings, and the facts while it runs. */
export function endpointSettings(cfg: EndpointConfig, state: EndpointState | undefined, live: boolean): EndpointSettings {
  const ipam = cfg.ipv4 || cfg.ipv6 ? { ...(cfg.ipv4 ? { IPv4Address: cfg.ipv4 } : {}), ...(cfg.ipv6 ? { IPv6Address: cfg.ipv6 } : {}) } : null;
  const s = live ? state : undefined;
  return {
    IPAMConfig: ipam,
    Links: cfg.links?.length ? [...cfg.links] : null,
    Aliases: cfg.aliases?.length ? [...cfg.aliases] : null,
    MacAddress: s?.mac || cfg.mac || '',
    DriverOpts: cfg.driverOpts && Object.keys(cfg.driverOpts).length ? { ...cfg.driverOpts } : null,
    GwPriority: cfg.gwPriority ?? 0,
    // The network stays known after a stop; the endpoint and its addresses go with it.
    NetworkID: state?.networkId ?? '',
    EndpointID: s?.endpointId ?? '',
    Gateway: s?.gateway ?? '',
    IPAddress: s?.ipv4 ?? '',
    IPPrefixLen: s?.ipv4 ? s.prefixLen : 0,
    IPv6Gateway: s?.gateway6 ?? '',
    GlobalIPv6Address: s?.ipv6 ?? '',
    GlobalIPv6PrefixLen: s?.ipv6 ? s.prefixLen6 : 0,
    DNSNames: s?.dnsNames?.length ? [...s.dnsNames] : null,
  };
}

/** The networks a container is (or will be) on: host, none, or its endpoints; none in another's namespace. */
export function networksOf(rec: ContainerRecord): Record<string, EndpointSettings> {
  const mode = (rec.hostConfig.NetworkMode as string | undefined) || 'bridge';
  if (mode.startsWith('container:')) return {};
  const live = running(rec);
  const states = rec.networkSandbox?.endpoints ?? {};
  const configs: Record<string, EndpointConfig> = mode === 'host' || mode === 'none' ? { [mode]: {} } : rec.endpointsConfig ?? { [mode]: {} };
  return Object.fromEntries(Object.entries(configs).map(([name, cfg]) => [name, endpointSettings(cfg, states[name], live)]));
}

/** SandboxID: 64 hex characters that name the container's network stack for one run. */
function sandboxId(rec: ContainerRecord): string {
  return createHash('sha256').update(`berth-sandbox:${rec.id}:${rec.state.startedAt}`).digest('hex');
}

/** Inspect's NetworkSettings as Docker 28 fills them; the top-level address fields are the default bridge's. */
export function networkSettings(rec: ContainerRecord): NetworkSettings {
  const live = running(rec);
  const sandbox = rec.networkSandbox;
  const mode = (rec.hostConfig.NetworkMode as string | undefined) || 'bridge';
  const bridge = live ? sandbox?.endpoints?.['bridge'] : undefined;
  const private_ = mode !== 'host' && mode !== 'none' && !mode.startsWith('container:');
  return {
    Bridge: '',
    SandboxID: live ? sandboxId(rec) : '',
    SandboxKey: live ? sandbox?.netnsPath ?? '' : '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: live && private_ ? portMap(sandbox?.ports ?? [], rec.config.ExposedPorts) : {},
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: bridge?.endpointId ?? '',
    Gateway: bridge?.gateway ?? '',
    GlobalIPv6Address: bridge?.ipv6 ?? '',
    GlobalIPv6PrefixLen: bridge?.ipv6 ? bridge.prefixLen6 : 0,
    IPAddress: bridge?.ipv4 ?? '',
    IPPrefixLen: bridge?.ipv4 ? bridge.prefixLen : 0,
    IPv6Gateway: bridge?.gateway6 ?? '',
    MacAddress: bridge?.mac ?? '',
    Networks: networksOf(rec),
  };
}

/** `ps`' Ports: published ports with their host side, exposed ones without; only while running. */
export function summaryPorts(rec: ContainerRecord): Port[] {
  if (!running(rec)) return [];
  const mode = (rec.hostConfig.NetworkMode as string | undefined) || 'bridge';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return [];
  const out: Port[] = [];
  for (const [key, bindings] of Object.entries(portMap(rec.networkSandbox?.ports ?? [], rec.config.ExposedPorts))) {
    const [port, proto] = key.split('/') as [string, string];
    if (!bindings) out.push({ PrivatePort: Number(port), Type: proto });
    else for (const b of bindings) out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: proto });
  }
  return out;
}
