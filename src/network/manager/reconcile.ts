import { messageOf } from '../../lib/errors/index.js';
import type { NetnsControl } from '../types.js';
import type { KernelNames } from './plan.js';

/** Host links the manager may list and delete when reconciling (the kernel helper provides them). */
export interface HostLinks {
  /** Names of the interfaces enslaved to a bridge. */
  bridgePorts(bridge: string): Promise<string[]>;
  /** Every bridge on the host, with its alias (berth marks its own). */
  bridges?(): Promise<{ name: string; alias?: string }[]>;
  remove(name: string): Promise<void>;
}

export interface ReconcileInput {
  netns: NetnsControl;
  links?: HostLinks;
  names: KernelNames;
  /** Ids of the containers that run. */
  live: Set<string>;
  /** Host veths of the live containers' endpoints. */
  liveVeths: Set<string>;
  /** The bridge devices of the stored networks. */
  bridges: string[];
  log: (level: 'info' | 'warn', msg: string) => void;
}

/**
 * Removes what a crash can leave behind, judged by name alone so nothing of another daemon
 * (another tag), of Docker or of the admin is touched: namespaces <tag>-<id12> of no running
 * container (their veths go with them), host veths <tag>v… on our bridges that no live endpoint
 * owns, and marked bridges <tag>-… of networks no longer stored (a crash inside network create).
 */
export async function reconcileHost(input: ReconcileInput): Promise<void> {
  const { names, log } = input;
  const attempt = async (what: string, fn: () => Promise<void>): Promise<void> => {
    log('info', `removing stale ${what}`);
    await fn().catch((err) => log('warn', `removing ${what}: ${messageOf(err)}`));
  };
  const live = new Set([...input.live].map((id) => id.slice(0, 12)));
  for (const name of await input.netns.list(`${names.tag}-`)) {
    const owner = names.netnsOwner(name);
    if (owner && !live.has(owner)) await attempt(`network namespace ${name}`, () => input.netns.remove(name));
  }
  const links = input.links;
  if (!links) return;
  for (const bridge of input.bridges) {
    for (const p of await links.bridgePorts(bridge).catch(() => [])) {
      if (p.startsWith(`${names.tag}v`) && !input.liveVeths.has(p)) await attempt(`veth ${p}`, () => links.remove(p));
    }
  }
  const known = new Set(input.bridges);
  for (const b of (await links.bridges?.().catch(() => [])) ?? []) {
    if (b.name.startsWith(`${names.tag}-`) && /^berth-[0-9a-f]{12}$/.test(b.alias ?? '') && !known.has(b.name)) {
      await attempt(`bridge ${b.name}`, () => links.remove(b.name));
    }
  }
}
