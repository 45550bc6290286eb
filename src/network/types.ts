/*
 * The network subsystem's domain types and the seams between its parts. Names are berth's own
 * (camelCase); the Engine API's wire shapes live in api/network.ts and are made in engine/.
 *
 *   engine (networkStep, connect/disconnect, network API)
 *      │ SandboxProvider + NetworkController
 *      ▼
 *   NetworkManager ──► NetworkStore (records on disk), Ipam (addresses), PortAllocator
 *      ├─► NetworkDriver per driver name (bridge, macvlan, ipvlan): kernel devices via sys/net
 *      ├─► Firewall: berth's own nftables table, one atomic change per operation
 *      ├─► NetnsControl: named network namespaces (/run/netns/berth-<id12>)
 *      └─► DnsService: the embedded resolver on each user network's gateway address
 */

/** One IPAM pool of a network (IPAM.Config in the API). */
export interface IpamPoolConfig {
  /** CIDR, v4 or v6: "10.64.3.0/24". */
  subnet: string;
  /** The gateway address (no prefix); for bridge networks it sits on the bridge device. */
  gateway?: string;
  /** A CIDR inside the subnet that container addresses are taken from. */
  ipRange?: string;
  /** Reserved addresses by name (--aux-address host=10.0.0.5): never given to containers. */
  auxAddresses?: Record<string, string>;
}

/** A network as berth stores it (one JSON file per network). */
export interface NetworkRecord {
  /** 64 hex characters. */
  id: string;
  name: string;
  /** "bridge", "host", "null", "macvlan", "ipvlan". */
  driver: string;
  /** Always "local" here. */
  scope: 'local';
  /** RFC3339Nano. */
  created: string;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  enableIPv4: boolean;
  enableIPv6: boolean;
  /** Driver options as given (-o): com.docker.network.bridge.name, parent, macvlan_mode, … */
  options: Record<string, string>;
  labels: Record<string, string>;
  ipam: { driver: string; options: Record<string, string>; config: IpamPoolConfig[] };
  /** True for the networks berth makes itself (bridge, host, none): never removed by rm or prune. */
  predefined: boolean;
}

/** How a container asked to join one network (create's EndpointsConfig, or a connect). */
export interface EndpointConfig {
  aliases?: string[];
  /** IPAMConfig.IPv4Address / IPv6Address (--ip, --ip6). */
  ipv4?: string;
  ipv6?: string;
  /** "name:alias" links (legacy; on the default bridge they become /etc/hosts lines). */
  links?: string[];
  /** --mac-address. */
  mac?: string;
  driverOpts?: Record<string, string>;
  gwPriority?: number;
}

/** The facts of one joined network while the container runs (inspect's EndpointSettings). */
export interface EndpointState {
  networkId: string;
  networkName: string;
  /** 64 hex characters, new at every start. */
  endpointId: string;
  /** The host side of the veth (bridge) or empty (macvlan/ipvlan); for cleanup. */
  hostIfname: string;
  /** The interface name inside the container: eth0, eth1, … */
  ifname: string;
  mac: string;
  ipv4: string;
  prefixLen: number;
  gateway: string;
  ipv6: string;
  prefixLen6: number;
  gateway6: string;
  aliases: string[];
  /** Names this endpoint answers to in the network's DNS: container name, short id, aliases. */
  dnsNames: string[];
}

export type PortProto = 'tcp' | 'udp' | 'sctp';

/** One published port as asked (HostConfig.PortBindings, -P): hostPort 0 = any free port. */
export interface PortRequest {
  proto: PortProto;
  containerPort: number;
  /** "" = every address (0.0.0.0 and ::). */
  hostIp: string;
  /** 0 with hostPortEnd 0: a free port chosen by berth; a range: the first free one in it. */
  hostPort: number;
  hostPortEnd: number;
}

/** One published port as made: inspect's NetworkSettings.Ports and ps' PORTS column. */
export interface PortMapping {
  proto: PortProto;
  containerPort: number;
  /** "0.0.0.0", "::" or the address asked for. */
  hostIp: string;
  hostPort: number;
}

/** What a container's network sandbox is built from (domain names; no wire types). */
export interface SandboxRequest {
  /** The container id: the sandbox's key. */
  id: string;
  /** The container's name without "/", for DNS. */
  name: string;
  hostname: string;
  /** HostConfig.NetworkMode as validated at create: "bridge", "none", "host", "container:<id>", a network name or id. */
  networkMode: string;
  /** Every network to join, by name or id (NetworkMode's network first), and how. Empty for host/none/container modes. */
  endpoints: Record<string, EndpointConfig>;
  ports: PortRequest[];
  /** The namespace to join for `container:<id>` mode: /proc/<pid>/ns/net of that container. */
  joinNetnsPath?: string;
  /** Legacy links resolved by the engine: the target's container id and the names to list it under. */
  links?: { containerId: string; names: string[] }[];
  /**
   * What the container had before berthd restarted while it kept running: restore passes it so
   * the same addresses, interfaces and ports are adopted instead of made again.
   */
  adopt?: NetworkSandbox;
}

/**
 * The network side of a started container: which namespace it runs in and the facts its
 * /etc/hosts and /etc/resolv.conf are written from. Persisted on the container record while it
 * runs, so a restarted berthd can tear it down or adopt it.
 */
export interface NetworkSandbox {
  /** "host": the host's namespace; "none" and "private": a namespace of the container's own. */
  mode: 'none' | 'host' | 'private';
  /** A namespace made for the container (or joined), which the runtime joins; absent: the runtime makes one (loopback only). */
  netnsPath?: string;
  /** The container's own addresses, listed for its hostname in /etc/hosts. */
  addresses: string[];
  /** Name servers for /etc/resolv.conf; absent: the host's, less loopback ones the container cannot reach. */
  nameservers?: string[];
  /** Extra /etc/hosts lines (address, names) from links. */
  hosts?: { address: string; names: string[] }[];
  /** Joined networks by network name. */
  endpoints?: Record<string, EndpointState>;
  ports?: PortMapping[];
}

/**
 * Makes and removes network sandboxes. The start path calls `setUp` before the runtime creates
 * the container and `tearDown` when it stops; `tearDown` is idempotent, since restore after a
 * crash calls it for every container that is not running.
 */
export interface SandboxProvider {
  setUp(req: SandboxRequest): Promise<NetworkSandbox>;
  tearDown(id: string, sandbox?: NetworkSandbox): Promise<void>;
  /** Removes the published ports now (the rest of the tear-down may follow in the background). Idempotent. */
  unpublish?(id: string): Promise<void>;
}

/** An endpoint of a running container, as network inspect and DNS see it. */
export interface ActiveEndpoint {
  containerId: string;
  containerName: string;
  state: EndpointState;
}

/** What `network create` asks for (after the API layer checked types). */
export interface NetworkCreateRequest {
  name: string;
  driver: string;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  enableIPv4: boolean;
  options: Record<string, string>;
  labels: Record<string, string>;
  ipam: { driver: string; options: Record<string, string>; config: IpamPoolConfig[] };
}

/** Network CRUD and live connect/disconnect, as the engine's network API uses it. */
export interface NetworkController {
  list(): NetworkRecord[];
  /** By full id, name, or unique id prefix (Docker's order). @throws NotFoundError "network X not found". */
  get(ref: string): NetworkRecord;
  create(req: NetworkCreateRequest): Promise<{ record: NetworkRecord; warning: string }>;
  /** @throws ConflictError when a running container has an endpoint on it; ForbiddenError for predefined ones. */
  remove(ref: string): Promise<void>;
  /** Running containers' endpoints on a network. */
  endpoints(networkId: string): ActiveEndpoint[];
  /** Joins a running container's sandbox to one more network; returns the new endpoint. */
  connect(containerId: string, containerName: string, sandbox: NetworkSandbox, network: string, cfg: EndpointConfig): Promise<EndpointState>;
  /** Leaves a network while running. */
  disconnect(containerId: string, sandbox: NetworkSandbox, network: string): Promise<void>;
}

/* ---- seams inside the subsystem: the manager drives these ---- */

/** A network's address facts, resolved from its IPAM config (what drivers and the firewall need). */
export interface NetworkPlan {
  record: NetworkRecord;
  /** The kernel device for bridge networks (berth0, or berth-<id9> / the bridge.name option). */
  bridgeName: string;
  mtu: number;
  v4?: { subnet: string; gateway: string; prefixLen: number };
  v6?: { subnet: string; gateway: string; prefixLen: number };
}

/** Kernel side of one driver. Every method is idempotent and leaves nothing half-made on failure. */
export interface NetworkDriver {
  /** Makes the network's devices (bridge with its gateway addresses; 802.1q sub-interface of the parent). */
  createNetwork(plan: NetworkPlan): Promise<void>;
  deleteNetwork(plan: NetworkPlan): Promise<void>;
  /** Makes the container's interface `ep.ifname` inside namespace `netns` (a name under /run/netns) and configures addresses and the default route (when `defaultRoute`). */
  attach(plan: NetworkPlan, ep: EndpointState, netns: string, defaultRoute: boolean): Promise<void>;
  /** Removes the container's interface (the host side too). */
  detach(plan: NetworkPlan, ep: EndpointState, netns: string): Promise<void>;
}

/** The state berth's nftables table is rendered from. */
export interface FirewallNetwork {
  id: string;
  bridgeName: string;
  subnets: string[];
  internal: boolean;
  icc: boolean;
  masquerade: boolean;
}

export interface FirewallPorts {
  containerId: string;
  /** The container's address on the network its ports are reached through. */
  containerIp4?: string;
  containerIp6?: string;
  bridgeName: string;
  mappings: PortMapping[];
}

/** berth's own nftables table (`table inet berth`): every change is one atomic `nft -f`. */
export interface Firewall {
  /** Replaces the whole table with the given state (daemon start). */
  sync(networks: FirewallNetwork[], ports: FirewallPorts[]): Promise<void>;
  setNetwork(net: FirewallNetwork): Promise<void>;
  removeNetwork(id: string): Promise<void>;
  setPorts(p: FirewallPorts): Promise<void>;
  removePorts(containerId: string): Promise<void>;
}

/** Named network namespaces. */
export interface NetnsControl {
  /** Makes /run/netns/<name> and returns its path. */
  create(name: string): Promise<string>;
  remove(name: string): Promise<void>;
  /** Names under /run/netns starting with the prefix. */
  list(prefix: string): Promise<string[]>;
}

/** The embedded DNS server: one listener per user network, on its gateway address, port 53 (UDP and TCP). */
export interface DnsService {
  listen(networkId: string, address: string): Promise<void>;
  close(networkId: string): Promise<void>;
  closeAll(): Promise<void>;
}

/** How the DNS server learns names: the manager answers from its active endpoints. */
export interface DnsLookup {
  /**
   * Addresses for `name` (lower case, without the trailing dot) as seen from `networkId`;
   * undefined when no container there has that name (then the query goes to the upstreams).
   */
  lookup(networkId: string, name: string, family: 4 | 6): string[] | undefined;
  /** The name for a reverse (PTR) query of a container address on that network. */
  reverse(networkId: string, address: string): string | undefined;
}
