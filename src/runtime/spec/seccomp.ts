/**
 * The seccomp filter of a container, in the OCI runtime spec's form: berth's built-in
 * deny-by-default policy (seccomp-default.ts), none, or a profile the user gave in Docker's
 * format (seccomp-profile.ts). Both profiles go through the same evaluation against the
 * container's capabilities and the host's architecture and kernel.
 */
import { BUILTIN_PROFILE } from './seccomp-default.js';
import { decodeSeccompProfile, seccompFromProfile } from './seccomp-profile.js';
import type { OciSeccomp, OciSyscallRule, SeccompTarget } from './seccomp-types.js';

export type { OciSeccomp, SeccompTarget } from './seccomp-types.js';

/** `--security-opt seccomp=...`: the built-in policy, none, or a profile's JSON text. */
export type SeccompChoice = 'default' | 'unconfined' | { profile: string };

/**
 * Merges rules that differ only in their names. The runtime compiles the filter at every start,
 * so the built-in one is kept to a dozen rules rather than one per syscall.
 */
function compact(rules: OciSyscallRule[]): OciSyscallRule[] {
  const byShape = new Map<string, { rule: OciSyscallRule; names: Set<string> }>();
  for (const r of rules) {
    const key = JSON.stringify([r.action, r.errnoRet, r.args]);
    const seen = byShape.get(key);
    if (seen) for (const n of r.names) seen.names.add(n);
    else byShape.set(key, { rule: r, names: new Set(r.names) });
  }
  return [...byShape.values()].map(({ rule, names }) => ({ ...rule, names: [...names] }));
}

/**
 * Built filters by target: nearly every container has the default capabilities, so the start
 * path evaluates the built-in profile once, not at every start. Bounded: a new entry past the
 * cap clears the rest (capability sets are few in practice).
 */
const builtCache = new Map<string, OciSeccomp>();
const BUILT_CACHE_MAX = 64;

/** berth's default filter for a container with these (CAP_-prefixed) capabilities. */
export function defaultSeccomp(target: SeccompTarget): OciSeccomp {
  const key = JSON.stringify([[...target.capabilities].sort(), target.arch, target.kernel, target.x32]);
  const cached = builtCache.get(key);
  // A copy: the spec builder owns what it is handed.
  if (cached) return structuredClone(cached);
  const filter = seccompFromProfile(BUILTIN_PROFILE, target)!;
  filter.syscalls = compact(filter.syscalls ?? []);
  if (target.x32 === false && filter.architectures) filter.architectures = filter.architectures.filter((a) => a !== 'SCMP_ARCH_X32');
  if (builtCache.size >= BUILT_CACHE_MAX) builtCache.clear();
  builtCache.set(key, filter);
  return structuredClone(filter);
}

/** The filter for a choice, or undefined for none. */
export function seccompFor(choice: SeccompChoice, target: SeccompTarget): OciSeccomp | undefined {
  if (choice === 'unconfined') return undefined;
  if (choice === 'default') return defaultSeccomp(target);
  return seccompFromProfile(decodeSeccompProfile(choice.profile), target);
}
