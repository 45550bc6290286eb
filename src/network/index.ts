/** Networking: sandboxes, networks, addresses, published ports, and the names DNS answers. */
export type * from './types.js';
export { LoopbackSandboxProvider } from './loopback.js';
export { NetworkManager, type NetworkManagerOptions } from './manager/manager.js';
export type { HostLinks } from './manager/reconcile.js';
export { NetworkStore } from './store.js';
export { PortAllocator, PortAllocationError, probeHostPort } from './ports/allocator.js';
export { DEFAULT_BRIDGE_IP, DEFAULT_POOLS, parsePoolSpec, type AddressPoolSpec, type HostRoute } from './ipam/default-pools.js';
