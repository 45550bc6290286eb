/** What a container's network sandbox is built from (domain names; no wire types). */
export interface SandboxRequest {
  /** The container id: the sandbox's key. */
  id: string;
  /** HostConfig.NetworkMode as validated at create: "bridge", "none", "host", … */
  networkMode: string;
}

/**
 * The network side of a started container: which namespace it runs in and the facts its
 * /etc/hosts and /etc/resolv.conf are written from.
 */
export interface NetworkSandbox {
  /** "host": the host's namespace; "none" and "private": a namespace of the container's own. */
  mode: 'none' | 'host' | 'private';
  /** A namespace made for the container, which the runtime joins; absent: the runtime makes one (loopback only). */
  netnsPath?: string;
  /** The container's own addresses, listed for its hostname in /etc/hosts. */
  addresses: string[];
  /** Name servers for /etc/resolv.conf; absent: the host's, less loopback ones the container cannot reach. */
  nameservers?: string[];
}

/**
 * Makes and removes network sandboxes. The start path calls `setUp` before the runtime creates
 * the container and `tearDown` when it stops; `tearDown` is idempotent, since restore after a
 * crash calls it for every container that is not running.
 */
export interface SandboxProvider {
  setUp(req: SandboxRequest): Promise<NetworkSandbox>;
  tearDown(id: string): Promise<void>;
}
