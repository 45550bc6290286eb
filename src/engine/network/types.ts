import type { EndpointConfig, NetworkRecord } from '../../network/index.js';

export interface ContainerNetworking {
  networkConnect(containerRef: string, network: NetworkRecord, cfg: EndpointConfig): Promise<{ containerId: string; containerName: string }>;
  networkDisconnect(containerRef: string, network: NetworkRecord, force: boolean): Promise<{ containerId: string; containerName: string }>;
  containersUsing(networkId: string, networkName: string): string[];
}
