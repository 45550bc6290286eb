import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { EndpointState, NetworkDriver, NetworkPlan } from '../types.js';
import { attachChild, detachChild, ensureParent, releaseParent, type ParentLinkOptions } from './parent-link.js';

const MODES = ['l2', 'l3', 'l3s'] as const;
const FLAGS = ['bridge', 'private', 'vepa'] as const;

/** The `type ipvlan …` tail from ipvlan_mode (l2 default) and ipvlan_flag (bridge default). */
export function ipvlanKind(plan: NetworkPlan): { kind: string; mode: string } {
  const mode = plan.record.options['ipvlan_mode'] || 'l2';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new InvalidArgumentError(`requested ipvlan mode '${mode}' is not valid, 'l2' mode is the ipvlan driver default`);
  }
  const flag = plan.record.options['ipvlan_flag'] || 'bridge';
  if (!(FLAGS as readonly string[]).includes(flag)) {
    throw new InvalidArgumentError(`requested ipvlan flag '${flag}' is not valid, 'bridge' is the ipvlan driver default`);
  }
  return { kind: `ipvlan mode ${mode} ${flag}`, mode };
}

/**
 * ipvlan networks: children share the parent's MAC (so --mac-address does not apply). In l2
 * mode the default route goes via the gateway; in l3/l3s the parent routes, so the default
 * route points at the device and there is no gateway. Internal networks get no default route.
 */
export class IpvlanDriver implements NetworkDriver {
  constructor(private readonly opts: ParentLinkOptions = {}) {}

  async createNetwork(plan: NetworkPlan): Promise<void> {
    ipvlanKind(plan);
    await ensureParent(plan, this.opts);
  }

  async deleteNetwork(plan: NetworkPlan): Promise<void> {
    await releaseParent(plan, this.opts);
  }

  async attach(plan: NetworkPlan, ep: EndpointState, netns: string, defaultRoute: boolean): Promise<void> {
    const { kind, mode } = ipvlanKind(plan);
    const route = defaultRoute && !plan.record.internal;
    const l3 = mode !== 'l2';
    await attachChild(plan, ep, netns, kind, {
      v4: route && ep.ipv4 ? (l3 ? 'device' : ep.gateway ? { via: ep.gateway } : undefined) : undefined,
      v6: route && ep.ipv6 ? (l3 ? 'device' : ep.gateway6 ? { via: ep.gateway6 } : undefined) : undefined,
    }, { ...this.opts, mac: false });
  }

  async detach(_plan: NetworkPlan, ep: EndpointState, netns: string): Promise<void> {
    await detachChild(ep, netns);
  }
}
