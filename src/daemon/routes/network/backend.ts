import type { Network, NetworkCreateResponse, NetworkPruneResponse } from '../../../api/network.js';

/** What the network routes need from the engine, in wire types (bodies as parsed JSON). */
export interface NetworkBackend {
  /** `apiVersion` is the request's: clients before 1.28 get Containers in lists. */
  networkList(opts: { filters: Map<string, string[]>; apiVersion: string }): Network[];
  networkInspect(ref: string, opts: { verbose?: boolean; scope?: string }): Network;
  networkCreate(body: unknown): Promise<NetworkCreateResponse>;
  networkDelete(ref: string): Promise<void>;
  networkConnect(ref: string, body: unknown): Promise<void>;
  networkDisconnect(ref: string, body: unknown): Promise<void>;
  networkPrune(filters: Map<string, string[]>): Promise<NetworkPruneResponse>;
}
