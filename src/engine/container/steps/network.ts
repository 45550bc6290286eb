import { copyFile } from 'node:fs/promises';
import {
  ConflictError, ForbiddenError, InternalError, InvalidArgumentError, NotFoundError, UnavailableError, isNotFound, kindOf, messageOf,
} from '../../../lib/errors/index.js';
import type { EndpointConfig, NetworkController, NetworkSandbox, SandboxProvider, SandboxRequest } from '../../../network/index.js';
import { writeEtcFiles, type EtcFilesInput } from '../etc-files.js';
import { hasProcess, type ContainerRecord } from '../model.js';
import { isUserDefined, parseLink } from '../create-network.js';
import { portRequests } from '../ports.js';
import { linkEnv } from '../link-env.js';
import type { ContainerStore } from '../store.js';
import type { StartStep } from './types.js';

/** What the network step reads besides the sandbox provider; absent parts limit it to what tests need. */
export interface NetworkStepDeps {
  /** Containers for `container:<ref>` mode and links. */
  store?: Pick<ContainerStore, 'get'>;
  /** The default bridge's gateway, for `--add-host name:host-gateway`. */
  networks?: Pick<NetworkController, 'get'>;
}

/**
 * Sets up the container's network sandbox and writes its /etc/hostname, /etc/hosts and
 * /etc/resolv.conf from the sandbox's facts, at every start (addresses may change between runs).
 * The sandbox is kept on the record (the start saves it) so that stop, restore and inspect see it.
 */
export function networkStep(sandboxes: SandboxProvider, deps: NetworkStepDeps = {}): StartStep {
  return {
    name: 'network',
    async apply(ctx) {
      const { rec } = ctx;
      const req = sandboxRequest(rec, deps);
      ctx.linkEnv = legacyLinks(rec, deps).flatMap(({ alias, child }) => linkEnv(rec.name, alias, child));
      let sandbox: NetworkSandbox;
      try {
        sandbox = await sandboxes.setUp(req);
      } catch (err) {
        throw setupError(err);
      }
      try {
        rec.networkSandbox = sandbox;
        ctx.network = { mode: sandbox.mode, netnsPath: sandbox.netnsPath };
        const donor = joinedDonor(rec, deps);
        if (donor) {
          // A container in another's namespace shares its name and files, as in Docker.
          rec.config.Hostname = donor.config.Hostname;
          rec.config.Domainname = donor.config.Domainname;
          await Promise.all([
            copyFile(donor.hostnamePath, rec.hostnamePath), copyFile(donor.hostsPath, rec.hostsPath), copyFile(donor.resolvConfPath, rec.resolvConfPath),
          ]);
        } else {
          await writeEtcFiles({ hostname: rec.hostnamePath, hosts: rec.hostsPath, resolvConf: rec.resolvConfPath }, etcFilesInput(rec, sandbox, deps));
        }
      } catch (err) {
        // The step's undo is only registered once apply succeeds: take the sandbox down here.
        await sandboxes.tearDown(rec.id, sandbox).catch(() => {});
        rec.networkSandbox = stoppedSandbox(sandbox);
        throw err;
      }
    },
    async undo(rec) {
      await sandboxes.tearDown(rec.id, rec.networkSandbox);
      if (rec.networkSandbox) rec.networkSandbox = stoppedSandbox(rec.networkSandbox);
    },
    // The namespace and its interfaces go after `run --rm` answered; what another container
    // could want at once (published ports) goes first, in publishedPortsStep's undo.
    undoInBackground: true,
    async adopt(rec) {
      if (!rec.networkSandbox) return;
      const req = { ...sandboxRequest(rec, deps, true), adopt: rec.networkSandbox };
      rec.networkSandbox = await sandboxes.setUp(req);
    },
  };
}

/** What the container's /etc files are written from. */
export function etcFilesInput(rec: ContainerRecord, sandbox: NetworkSandbox, deps: NetworkStepDeps): EtcFilesInput {
  const hc = rec.hostConfig;
  return {
    hostname: rec.config.Hostname!,
    domainname: rec.config.Domainname,
    sandbox,
    extraHosts: extraHosts((hc.ExtraHosts ?? []) as string[], deps),
    dns: (hc.Dns ?? undefined) as string[] | undefined,
    dnsSearch: (hc.DnsSearch ?? undefined) as string[] | undefined,
    dnsOptions: (hc.DnsOptions ?? undefined) as string[] | undefined,
  };
}

/**
 * The sandbox to ask for: NetworkMode's network first, then the others in the order they were
 * joined; published ports; the namespace to join; legacy links on the default bridge.
 * `adopting` skips the checks of other containers (restore runs before they are all loaded).
 */
export function sandboxRequest(rec: ContainerRecord, deps: NetworkStepDeps, adopting = false): SandboxRequest {
  const hc = rec.hostConfig;
  const mode = (hc.NetworkMode as string | undefined) || 'bridge';
  const req: SandboxRequest = { id: rec.id, name: rec.name, hostname: rec.config.Hostname!, networkMode: mode, endpoints: {}, ports: [] };
  if (mode === 'host' || mode === 'none') return req;
  if (mode.startsWith('container:')) {
    if (!adopting) req.joinNetnsPath = `/proc/${networkDonor(rec, deps).state.pid}/ns/net`;
    return req;
  }
  req.endpoints = endpointsOf(rec);
  req.ports = portRequests(hc.PortBindings, rec.config.ExposedPorts, hc.PublishAllPorts === true);
  const links = (hc.Links ?? []) as string[];
  if (links.length && !isUserDefined(mode) && !adopting) req.links = links.map((l) => linkTarget(rec, l, deps));
  return req;
}

/** The networks to join by name; records from before networking join NetworkMode's alone. */
function endpointsOf(rec: ContainerRecord): Record<string, EndpointConfig> {
  const mode = (rec.hostConfig.NetworkMode as string | undefined) || 'bridge';
  const eps = rec.endpointsConfig ?? { [mode]: {} };
  return Object.fromEntries(Object.entries(eps).map(([k, v]) => [k, { ...v }]));
}

/** The running targets of the container's legacy links (default bridge only), by alias. */
function legacyLinks(rec: ContainerRecord, deps: NetworkStepDeps): { alias: string; child: ContainerRecord }[] {
  const mode = (rec.hostConfig.NetworkMode as string | undefined) || 'bridge';
  const links = (rec.hostConfig.Links ?? []) as string[];
  if (!deps.store || isUserDefined(mode) || mode === 'host' || mode === 'none' || mode.startsWith('container:')) return [];
  return links.map((l) => {
    const { name, alias } = parseLink(l);
    const child = linkedContainer(rec, name, alias, deps);
    return { alias, child };
  });
}

function linkedContainer(rec: ContainerRecord, name: string, alias: string, deps: NetworkStepDeps): ContainerRecord {
  if (!deps.store) throw new InvalidArgumentError(`could not get container for ${name}`);
  let child: ContainerRecord;
  try {
    child = deps.store.get(name);
  } catch (err) {
    if (isNotFound(err)) throw new InvalidArgumentError(`could not get container for ${name}: No such container: ${name}`, { cause: err });
    throw err;
  }
  if (!hasProcess(child.state)) throw new ConflictError(`Cannot link to a non running container: /${child.name} AS /${rec.name}/${alias}`);
  return child;
}

function linkTarget(rec: ContainerRecord, link: string, deps: NetworkStepDeps): { containerId: string; names: string[] } {
  const { name, alias } = parseLink(link);
  const child = linkedContainer(rec, name, alias, deps);
  // Reachable by the alias, its hostname and its name, as Docker lists a link.
  const names = [alias, child.config.Hostname ?? ''];
  if (alias !== child.name) names.push(child.name);
  return { containerId: child.id, names: names.filter((n, i, all) => n !== '' && all.indexOf(n) === i) };
}

function joinedDonor(rec: ContainerRecord, deps: NetworkStepDeps): ContainerRecord | undefined {
  const mode = rec.hostConfig.NetworkMode as string | undefined;
  return mode?.startsWith('container:') && deps.store ? networkDonor(rec, deps) : undefined;
}

/** The container whose namespace `container:<ref>` joins: it must run now. */
function networkDonor(rec: ContainerRecord, deps: NetworkStepDeps): ContainerRecord {
  const ref = (rec.hostConfig.NetworkMode as string).slice('container:'.length);
  if (!deps.store) throw new ConflictError(`cannot join network of a non running container: ${ref}`);
  const donor = deps.store.get(ref);
  if (donor.id === rec.id) throw new InvalidArgumentError('cannot join own network');
  if (donor.state.status === 'restarting') throw new ConflictError(`Container ${donor.id} is restarting, wait until the container is running`);
  if (!hasProcess(donor.state) || donor.state.pid <= 0) throw new ConflictError(`cannot join network of a non running container: ${ref}`);
  return donor;
}

/** `--add-host` "name:ip" or "name=ip"; `host-gateway` is the default bridge's gateway. */
function extraHosts(entries: string[], deps: NetworkStepDeps): { address: string; names: string[] }[] {
  return entries.map((e) => {
    const eq = e.indexOf('=');
    const sep = eq >= 0 ? eq : e.indexOf(':');
    if (sep <= 0) throw new InvalidArgumentError(`invalid IP address in add-host: "${e}"`);
    const name = e.slice(0, sep);
    let address = e.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
    if (address === 'host-gateway') address = hostGateway(deps);
    return { address, names: [name] };
  });
}

function hostGateway(deps: NetworkStepDeps): string {
  try {
    const gw = deps.networks?.get('bridge').ipam.config.find((p) => p.gateway && !p.subnet.includes(':'))?.gateway;
    if (gw) return gw;
  } catch {
    // no default bridge: fall through to Docker's message
  }
  throw new InvalidArgumentError('unable to derive the IP value for host-gateway');
}

/**
 * What inspect shows of a sandbox after its container stopped: the networks it was on (Docker
 * keeps each network's id and the asked-for settings, with the addresses emptied), no ports.
 */
export function stoppedSandbox(s: NetworkSandbox): NetworkSandbox {
  const endpoints = Object.fromEntries(Object.entries(s.endpoints ?? {}).map(([name, ep]) => [name, {
    ...ep, endpointId: '', hostIfname: '', ifname: '', mac: '', ipv4: '', prefixLen: 0, gateway: '', ipv6: '', prefixLen6: 0, gateway6: '', dnsNames: [],
  }]));
  return { mode: s.mode, addresses: [], endpoints };
}

const SETUP_PREFIX = 'failed to set up container networking: ';

/** Docker 28's wording for any failure of the sandbox (unknown network, taken port, …), its kind kept. */
function setupError(err: unknown): Error {
  const msg = messageOf(err);
  if (msg.startsWith(SETUP_PREFIX)) return err as Error;
  const text = SETUP_PREFIX + msg;
  switch (kindOf(err)) {
    case 'not-found': return new NotFoundError(text, { cause: err });
    case 'invalid-argument': return new InvalidArgumentError(text, { cause: err });
    case 'conflict': return new ConflictError(text, { cause: err });
    case 'forbidden': return new ForbiddenError(text, { cause: err });
    case 'unavailable': return new UnavailableError(text, { cause: err });
    default: return new InternalError(text, { cause: err });
  }
}

/**
 * Placed right after the network step: its undo frees the container's published ports before
 * anything else is torn down, and never in the background, so `run --rm -p 8080:80 …` twice in a
 * row finds the port free. Setting the ports up is the network step's.
 */
export function publishedPortsStep(sandboxes: SandboxProvider): StartStep {
  return {
    name: 'published-ports',
    async apply() {},
    async undo(rec) {
      await sandboxes.unpublish?.(rec.id);
    },
  };
}
