import type { EndpointConfig, NetworkRecord } from '../../network/types.js';

/**
 * What the network API needs from the container side: connect and disconnect reach into a
 * container's configuration (and, while it runs, its sandbox), which only the container
 * service owns.
 */
export interface ContainerNetworking {
  /** Joins a container (any state) to a network: records the endpoint config and, when running, attaches it live. */
  networkConnect(containerRef: string, network: NetworkRecord, cfg: EndpointConfig): Promise<{ containerId: string; containerName: string }>;
  /** Leaves a network; `force` as the API's Force. */
  networkDisconnect(containerRef: string, network: NetworkRecord, force: boolean): Promise<{ containerId: string; containerName: string }>;
  /** Names of containers (any state) configured to join the network (for prune's "in use" and inspect). */
  containersUsing(networkId: string, networkName: string): string[];
}
