import { InvalidArgumentError } from '../../lib/errors/index.js';
import { CAPABILITY_NAMES } from '../../sys/capabilities.js';
import { DEFAULT_CAPABILITIES } from './defaults.js';

/** "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" all name CAP_NET_ADMIN; "ALL" stays "ALL". */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!CAPABILITY_NAMES.includes(full)) throw new InvalidArgumentError(`invalid capability: ${name}`);
  return full;
}

/**
 * The capability set of a container, Docker's way: start from the defaults (or everything when
 * privileged or when "ALL" is added), then drop, then add back what was explicitly added, so that
 * `--cap-drop ALL --cap-add X` leaves exactly X.
 */
export function containerCapabilities(opts: {
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** Every capability the host can grant (used for privileged and "ALL"). */
  available: readonly string[];
}): string[] {
  const available = new Set(opts.available);
  if (opts.privileged) return [...available];
  const add = (opts.capAdd ?? []).map(normalizeCapability);
  const drop = (opts.capDrop ?? []).map(normalizeCapability);
  let caps = new Set<string>(add.includes('ALL') ? available : DEFAULT_CAPABILITIES);
  if (drop.includes('ALL')) caps = new Set();
  for (const c of drop) caps.delete(c);
  for (const c of add) if (c !== 'ALL') caps.add(c);
  return CAPABILITY_NAMES.filter((c) => caps.has(c));
}
