/**
 * Engine API v1.50 network wire types, with Docker's exact JSON field names.
 */

/** One pool of a network's IPAM configuration. */
export interface NetworkIPAMConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  /** Reserved addresses by name (`--aux-address name=ip`). */
  AuxiliaryAddresses?: Record<string, string>;
}

/** A network's IP address management. */
export interface NetworkIPAM {
  Driver: string;
  Options: Record<string, string> | null;
  /** Docker sends null for networks without pools (host, none). */
  Config: NetworkIPAMConfig[] | null;
}

/** A container's endpoint as `GET /networks/{id}` lists it under Containers. */
export interface EndpointResource {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  /** "a.b.c.d/nn", or "" when the endpoint has no IPv4 address. */
  IPv4Address: string;
  IPv6Address: string;
}

/** One peer node of an overlay network. */
export interface PeerInfo {
  Name: string;
  IP: string;
}

/** `GET /networks/{id}` and each item of `GET /networks`. */
export interface Network {
  Name: string;
  Id: string;
  /** RFC 3339 with nanoseconds. */
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: NetworkIPAM;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  /** By container id; `GET /networks` sends it empty since API 1.28. */
  Containers: Record<string, EndpointResource>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** Only for overlay networks (omitted otherwise). */
  Peers?: PeerInfo[];
}

/** Body of `POST /networks/create`. */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string;
  Scope?: string;
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Options?: Record<string, string> | null; Config?: NetworkIPAMConfig[] | null } | null;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network?: string } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  /** Deprecated: Docker ignores it (names are always checked). */
  CheckDuplicate?: boolean;
}

/** Answer of `POST /networks/create`. */
export interface NetworkCreateResponse {
  Id: string;
  Warning: string;
}

/**
 * The configuration half of an endpoint (EndpointSettings in the API, defined with the
 * container types): what `network connect` and `container create` ask for.
 */
export interface EndpointConfigRequest {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
  GwPriority?: number;
}

/** Body of `POST /networks/{id}/connect`. */
export interface NetworkConnectRequest {
  Container: string;
  EndpointConfig?: EndpointConfigRequest | null;
}

/** Body of `POST /networks/{id}/disconnect`. */
export interface NetworkDisconnectRequest {
  Container: string;
  Force?: boolean;
}

/** Answer of `POST /networks/prune`. */
export interface NetworkPruneResponse {
  NetworksDeleted: string[] | null;
}
