import { InvalidArgumentError } from '../../lib/errors/index.js';
import { IpError, ipBatch, linkShow, type IpOptions } from '../../sys/net/ip.js';
import type { EndpointState, NetworkPlan } from '../types.js';
import { checkIfname, deleteLink } from './links.js';
import { inNamespaceLines } from './endpoint-lines.js';
import { ownerMark } from './marker.js';

/**
 * What macvlan and ipvlan share: a parent interface on the host (or, for tests, in the
 * namespace `hostNetns`), possibly an 802.1q sub-interface berth makes ("eth0.10"), and child
 * links created directly inside the container's namespace.
 */

export interface ParentLinkOptions {
  /** The namespace the parent lives in; the host's when absent. Tests use a namespace of their own. */
  hostNetns?: string;
}

/** How a parent option reads: a plain interface, or `<base>.<vlan id>`. */
export interface ParentSpec {
  name: string;
  vlan?: { base: string; id: number };
  /** No -o parent: berth makes a dummy link of its own, as Docker does (an isolated network). */
  dummy: boolean;
}

export function parseParent(plan: NetworkPlan): ParentSpec {
  const parent = plan.record.options['parent'] ?? '';
  if (parent === '') return { name: `dm-${plan.record.id.slice(0, 12)}`, dummy: true };
  const dot = parent.lastIndexOf('.');
  if (dot > 0) {
    const base = parent.slice(0, dot);
    const idText = parent.slice(dot + 1);
    if (!/^\d+$/.test(idText) || base === '') {
      throw new InvalidArgumentError(`invalid subinterface vlan name ${parent}, example formatting is eth0.10`);
    }
    const id = Number(idText);
    if (id < 1 || id > 4094) throw new InvalidArgumentError(`vlan id must be between 1-4094, received: ${id}`);
    checkIfname(parent, 'parent interface name');
    return { name: parent, vlan: { base, id }, dummy: false };
  }
  checkIfname(parent, 'parent interface name');
  return { name: parent, dummy: false };
}

export function parentNotFound(name: string): InvalidArgumentError {
  return new InvalidArgumentError(`-o parent interface was not found on the host: ${name}`);
}

/**
 * Makes sure the parent exists: an existing link is used as it is; a missing `<base>.<id>` is
 * made as a VLAN sub-interface of an existing base, and a missing dummy parent is made —
 * both marked with the network's ifalias, so only they are removed with the network.
 */
export async function ensureParent(plan: NetworkPlan, opts: ParentLinkOptions): Promise<void> {
  const spec = parseParent(plan);
  const ipOpts: IpOptions = { netns: opts.hostNetns };
  if (await linkShow(spec.name, ipOpts)) return;
  const mark = ownerMark(plan.record.id);
  let add: string;
  if (spec.vlan) {
    if (!(await linkShow(spec.vlan.base, ipOpts))) throw parentNotFound(spec.vlan.base);
    add = `link add link ${spec.vlan.base} name ${spec.name} type vlan id ${spec.vlan.id}`;
  } else if (spec.dummy) {
    add = `link add ${spec.name} type dummy`;
  } else {
    throw parentNotFound(spec.name);
  }
  try {
    await ipBatch([add, `link set dev ${spec.name} alias ${mark}`, `link set ${spec.name} up`], ipOpts);
  } catch (e) {
    // It was absent a moment ago: what exists now is this batch's, marked or not yet.
    if (!(e instanceof IpError && e.line === 1)) await deleteLink(spec.name, ipOpts).catch(() => {});
    if (e instanceof IpError && /Unknown device type|not supported/i.test(e.detail)) {
      const what = spec.vlan ? '802.1q (vlan) links' : 'dummy links';
      throw new InvalidArgumentError(`cannot create parent interface ${spec.name}: this kernel has no ${what}${spec.dummy ? '; give -o parent=<interface>' : ''}`, { cause: e });
    }
    throw e;
  }
}

/** Removes the parent only when berth made it for this network. */
export async function releaseParent(plan: NetworkPlan, opts: ParentLinkOptions): Promise<void> {
  const spec = parseParent(plan);
  await deleteMarked(spec.name, ownerMark(plan.record.id), { netns: opts.hostNetns });
}

async function deleteMarked(name: string, mark: string, ipOpts: IpOptions): Promise<void> {
  const link = await linkShow(name, ipOpts);
  if (!link || link.ifalias !== mark) return;
  await deleteLink(name, ipOpts);
}

/**
 * Attaches one child link: made on the parent directly inside the container's namespace under
 * its final name (one spawn), then configured there (one more). `kind` is the `type …` tail.
 */
export async function attachChild(
  plan: NetworkPlan,
  ep: EndpointState,
  netns: string,
  kind: string,
  routes: Parameters<typeof inNamespaceLines>[1],
  opts: ParentLinkOptions & { mac: boolean },
): Promise<void> {
  checkIfname(ep.ifname, 'interface name');
  const parent = parseParent(plan).name;
  const mac = opts.mac && ep.mac ? ` address ${ep.mac}` : '';
  const add = `link add link ${parent} name ${ep.ifname}${mac} netns ${netns} type ${kind}`;
  try {
    await ipBatch([add], { netns: opts.hostNetns });
  } catch (e) {
    if (e instanceof IpError && e.isAbsent) throw parentNotFound(parent);
    if (e instanceof IpError && /Unknown device type|not supported/i.test(e.detail)) {
      const type = kind.split(' ')[0]!;
      throw new InvalidArgumentError(`cannot create the ${type} interface ${ep.ifname}: this kernel has no ${type} links`, { cause: e });
    }
    if (!(e instanceof IpError && e.isExists)) throw e;
    // A retried attach: the first try's link is in the namespace already.
    await detachChild(ep, netns);
    await ipBatch([add], { netns: opts.hostNetns });
  }
  try {
    await ipBatch(inNamespaceLines(ep, routes), { netns });
  } catch (e) {
    await detachChild(ep, netns).catch(() => {});
    throw e;
  }
}

export async function detachChild(ep: EndpointState, netns: string): Promise<void> {
  await deleteLink(ep.ifname, { netns });
}
