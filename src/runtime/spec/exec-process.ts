import type { ExecSpec } from '../types.js';
import type { OciProcess } from './types.js';
import type { ResolvedUser } from './user.js';
import { checkWorkingDir } from './working-dir.js';

/** Replaces or appends KEY=VALUE entries by key, keeping the order of first appearance. */
export function mergeEnv(base: string[], over: string[]): string[] {
  const out = [...base];
  for (const e of over) {
    const key = e.split('=', 1)[0]!;
    const i = out.findIndex((x) => x.split('=', 1)[0] === key);
    if (i >= 0) out[i] = e; else out.push(e);
  }
  return out;
}

/**
 * The process of an exec, derived from the container's own process (config.json) so it keeps
 * the container's rlimits, no-new-privileges and capabilities; seccomp, cgroup and namespaces
 * come from the container itself when the runtime joins it. `hostCaps` replaces the capability
 * set for --privileged.
 */
export function execProcess(base: OciProcess, rootfs: string, spec: ExecSpec, user: ResolvedUser, hostCaps: readonly string[]): OciProcess {
  const env = mergeEnv(
    // The container's HOME belongs to the container's user; an exec as someone else gets theirs.
    base.env?.filter((e) => !e.startsWith('HOME=')) ?? [],
    [...(spec.tty ? ['TERM=xterm'] : []), `HOME=${user.home || '/'}`, ...spec.env],
  );
  const caps = spec.privileged ? [...hostCaps] : undefined;
  const proc: OciProcess = {
    ...base,
    terminal: spec.tty,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    args: spec.args,
    env,
    cwd: spec.cwd ? checkWorkingDir(rootfs, spec.cwd) : base.cwd,
    capabilities: caps ? { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] } : base.capabilities,
  };
  delete proc.consoleSize;
  if (spec.tty && spec.consoleSize && spec.consoleSize.height > 0 && spec.consoleSize.width > 0) {
    proc.consoleSize = { ...spec.consoleSize };
  }
  return proc;
}
