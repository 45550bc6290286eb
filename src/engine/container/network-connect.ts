import { ForbiddenError, InternalError, InvalidArgumentError, UnavailableError } from '../../lib/errors/index.js';
import type { EndpointConfig, NetworkRecord, NetworkSandbox } from '../../network/index.js';
import type { ContainerContext } from './context.js';
import { isUserDefined } from './create-network.js';
import { NoSuchContainerError } from './errors.js';
import { writeNetworkFiles } from './etc-files.js';
import { hasProcess, type ContainerRecord } from './model.js';
import { etcFilesInput } from './steps/network.js';

type Done = { containerId: string; containerName: string };

const SHARED = 'container sharing network namespace with another container or host cannot be connected to any other network';
const HOST = 'container cannot be disconnected from host network or connected to host network';
const NONE = 'container cannot be connected to multiple networks with one of the networks in private (none) mode';

/**
 * `network connect`: a running container joins the network now (a new interface in its
 * namespace, its /etc/hosts rewritten); a stopped one only records it for its next start.
 */
export async function networkConnect(c: ContainerContext, ref: string, network: NetworkRecord, cfg: EndpointConfig): Promise<Done> {
  const rec = c.deps.store.get(ref);
  return c.locks.run(rec.id, async () => {
    if (!c.deps.store.has(rec.id)) throw new NoSuchContainerError(ref);
    if (rec.state.status === 'removing' || rec.state.status === 'dead') throw new InvalidArgumentError(`Container ${rec.id} is marked for removal and cannot be connected or disconnected to the network`);
    const mode = (rec.hostConfig.NetworkMode as string | undefined) || 'bridge';
    if (mode.startsWith('container:')) throw new InvalidArgumentError(SHARED);
    if (network.driver === 'host' || network.name === 'host') throw new InvalidArgumentError(mode === 'host' ? SHARED : HOST);
    if (mode === 'host') throw new InvalidArgumentError(SHARED);
    if (mode === 'none' || network.name === 'none') throw new InvalidArgumentError(NONE);
    const joined = rec.endpointsConfig ?? { [mode]: {} };
    if (joined[network.name] || Object.values(rec.networkSandbox?.endpoints ?? {}).some((e) => e.networkId === network.id && hasProcess(rec.state))) {
      throw new ForbiddenError(`endpoint with name ${rec.name} already exists in network ${network.name}`);
    }
    if (!isUserDefined(network.name)) {
      const errs: string[] = [];
      if (cfg.ipv4 || cfg.ipv6) errs.push('user specified IP address is supported on user defined networks only');
      if (cfg.aliases?.length) errs.push('network-scoped alias is supported only for containers in user defined networks');
      if (errs.length) throw new InvalidArgumentError(`invalid endpoint settings:\n${errs.join('\n')}`);
    }
    if (hasProcess(rec.state)) {
      const sandbox = liveSandbox(c, rec);
      const ep = await c.deps.networks!.connect(rec.id, rec.name, sandbox, network.name, cfg);
      sandbox.endpoints = { ...sandbox.endpoints, [network.name]: ep };
      for (const a of [ep.ipv4, ep.ipv6]) if (a && !sandbox.addresses.includes(a)) sandbox.addresses.push(a);
      rec.endpointsConfig = { ...joined, [network.name]: { ...cfg } };
      await c.deps.store.save(rec);
      await rewriteNetworkFiles(c, rec, sandbox);
    } else {
      rec.endpointsConfig = { ...joined, [network.name]: { ...cfg } };
      await c.deps.store.save(rec);
    }
    return { containerId: rec.id, containerName: rec.name };
  });
}

/**
 * `network disconnect`: a running container leaves the network now; a stopped one forgets it.
 * `force` lets a stopped container forget a network that no longer exists.
 */
export async function networkDisconnect(c: ContainerContext, ref: string, network: NetworkRecord, force: boolean): Promise<Done> {
  const rec = c.deps.store.get(ref);
  return c.locks.run(rec.id, async () => {
    if (!c.deps.store.has(rec.id)) throw new NoSuchContainerError(ref);
    if (rec.state.status === 'removing' || rec.state.status === 'dead') throw new InvalidArgumentError(`Container ${rec.id} is marked for removal and cannot be connected or disconnected to the network`);
    const mode = (rec.hostConfig.NetworkMode as string | undefined) || 'bridge';
    if (mode === 'host' && (network.driver === 'host' || network.name === 'host')) throw new InvalidArgumentError(HOST);
    const joined = { ...(rec.endpointsConfig ?? (mode === 'host' || mode === 'none' || mode.startsWith('container:') ? {} : { [mode]: {} })) };
    const live = hasProcess(rec.state);
    if (!joined[network.name] && !(force && !live)) {
      throw new InternalError(live ? `container ${rec.id} is not connected to network ${network.name}` : `container ${rec.id} is not connected to the network ${network.name}`);
    }
    if (live) {
      const sandbox = liveSandbox(c, rec);
      await c.deps.networks!.disconnect(rec.id, sandbox, network.name);
      const ep = sandbox.endpoints?.[network.name];
      if (sandbox.endpoints) delete sandbox.endpoints[network.name];
      if (ep) sandbox.addresses = sandbox.addresses.filter((a) => a !== ep.ipv4 && a !== ep.ipv6);
      delete joined[network.name];
      rec.endpointsConfig = joined;
      await c.deps.store.save(rec);
      await rewriteNetworkFiles(c, rec, sandbox);
    } else {
      delete joined[network.name];
      rec.endpointsConfig = joined;
      if (rec.networkSandbox?.endpoints) delete rec.networkSandbox.endpoints[network.name];
      await c.deps.store.save(rec);
    }
    return { containerId: rec.id, containerName: rec.name };
  });
}

/** Every container (in any state) that is on, or will join, the network. */
export function containersUsing(c: ContainerContext, networkId: string, networkName: string): string[] {
  return c.deps.store.list().filter((rec) => {
    const mode = (rec.hostConfig.NetworkMode as string | undefined) || 'bridge';
    if (rec.endpointsConfig) return networkName in rec.endpointsConfig;
    return mode === networkName || mode === networkId;
  }).map((rec) => rec.id);
}

function liveSandbox(c: ContainerContext, rec: ContainerRecord): NetworkSandbox {
  if (!c.deps.networks) throw new UnavailableError('networking is not available in this daemon');
  if (!rec.networkSandbox) throw new InternalError(`container ${rec.id} has no network sandbox`);
  return rec.networkSandbox;
}

async function rewriteNetworkFiles(c: ContainerContext, rec: ContainerRecord, sandbox: NetworkSandbox): Promise<void> {
  try {
    await writeNetworkFiles({ hosts: rec.hostsPath, resolvConf: rec.resolvConfPath }, etcFilesInput(rec, sandbox, { store: c.deps.store, networks: c.deps.networks }));
  } catch (err) {
    c.deps.log(`rewriting /etc/hosts and /etc/resolv.conf of ${rec.id}: ${(err as Error).message}`);
  }
}
