import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { EndpointState, NetworkDriver, NetworkPlan } from '../types.js';
import { attachChild, detachChild, ensureParent, releaseParent, type ParentLinkOptions } from './parent-link.js';

const MODES = ['bridge', 'private', 'vepa', 'passthru'] as const;

export function macvlanMode(plan: NetworkPlan): string {
  const mode = plan.record.options['macvlan_mode'] ?? '';
  if (mode === '') return 'bridge';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new InvalidArgumentError(`requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`);
  }
  return mode;
}

/**
 * macvlan networks: each container gets its own MAC on the parent's segment; the gateway is a
 * router out there, not the host (the host itself cannot reach its macvlan children through
 * the parent — a property of macvlan). Internal networks get no default route.
 */
export class MacvlanDriver implements NetworkDriver {
  constructor(private readonly opts: ParentLinkOptions = {}) {}

  async createNetwork(plan: NetworkPlan): Promise<void> {
    macvlanMode(plan);
    await ensureParent(plan, this.opts);
  }

  async deleteNetwork(plan: NetworkPlan): Promise<void> {
    await releaseParent(plan, this.opts);
  }

  async attach(plan: NetworkPlan, ep: EndpointState, netns: string, defaultRoute: boolean): Promise<void> {
    const route = defaultRoute && !plan.record.internal;
    await attachChild(plan, ep, netns, `macvlan mode ${macvlanMode(plan)}`, {
      v4: route && ep.ipv4 && ep.gateway ? { via: ep.gateway } : undefined,
      v6: route && ep.ipv6 && ep.gateway6 ? { via: ep.gateway6 } : undefined,
    }, { ...this.opts, mac: true });
  }

  async detach(_plan: NetworkPlan, ep: EndpointState, netns: string): Promise<void> {
    await detachChild(ep, netns);
  }
}
