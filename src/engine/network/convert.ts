import type { EndpointResource, NetworkIPAMConfig as IPAMConfig, Network } from '../../api/network.js';
import type { ActiveEndpoint, IpamPoolConfig, NetworkRecord } from '../../network/types.js';

function toIpamConfig(p: IpamPoolConfig): IPAMConfig {
  // Docker omits every empty field of a pool
  const out: IPAMConfig = { Subnet: p.subnet };
  if (p.ipRange) out.IPRange = p.ipRange;
  if (p.gateway) out.Gateway = p.gateway;
  if (p.auxAddresses && Object.keys(p.auxAddresses).length) out.AuxiliaryAddresses = { ...p.auxAddresses };
  return out;
}

/** One running container's endpoint, as inspect lists it: addresses with their prefix length. */
export function toEndpointResource(ep: ActiveEndpoint): EndpointResource {
  const s = ep.state;
  return {
    Name: ep.containerName.replace(/^\//, ''),
    EndpointID: s.endpointId,
    MacAddress: s.mac,
    IPv4Address: s.ipv4 ? `${s.ipv4}/${s.prefixLen}` : '',
    IPv6Address: s.ipv6 ? `${s.ipv6}/${s.prefixLen6}` : '',
  };
}

/**
 * A network in Docker's wire shape. `endpoints` fill Containers (inspect, and lists for
 * clients older than API 1.28); without them it is empty, as `GET /networks` sends it.
 */
export function toNetwork(rec: NetworkRecord, endpoints: ActiveEndpoint[] = []): Network {
  const containers: Record<string, EndpointResource> = {};
  for (const ep of endpoints) containers[ep.containerId] = toEndpointResource(ep);
  const ipamOptions = rec.ipam.options;
  return {
    Name: rec.name,
    Id: rec.id,
    Created: rec.created,
    Scope: rec.scope,
    Driver: rec.driver,
    EnableIPv4: rec.enableIPv4,
    EnableIPv6: rec.enableIPv6,
    IPAM: {
      Driver: rec.ipam.driver,
      // the daemon's own networks carry no IPAM options at all (null), user ones what was sent
      Options: rec.predefined && Object.keys(ipamOptions).length === 0 ? null : { ...ipamOptions },
      Config: rec.ipam.config.length ? rec.ipam.config.map(toIpamConfig) : null,
    },
    Internal: rec.internal,
    Attachable: rec.attachable,
    Ingress: rec.ingress,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: { ...rec.options },
    Labels: { ...rec.labels },
  };
}
