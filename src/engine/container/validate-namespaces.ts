import { InvalidArgumentError } from '../../lib/errors/index.js';

/** Sysctls of the IPC namespace: the only kernel.* ones a container may set. */
const IPC_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

const isIpcSysctl = (k: string): boolean => IPC_SYSCTLS.has(k) || k.startsWith('fs.mqueue.');
const isNetSysctl = (k: string): boolean => k.startsWith('net.');

/** `container:<name or id>` for the modes that join another container's namespace. */
export function joinedContainer(mode: unknown): string | undefined {
  return typeof mode === 'string' && mode.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

/**
 * `--ipc`, `--pid`, `--uts`, `--cgroupns`, `--userns` and `--sysctl` as Docker accepts them.
 * Sysctls are refused unless the container has the namespace they belong to: one set in a
 * namespace shared with the host would change the host.
 */
export function validateNamespaceModes(hc: Record<string, unknown>, hostname: string): void {
  const str = (k: string): string => (typeof hc[k] === 'string' ? hc[k] : '');
  const ipc = str('IpcMode');
  if (!['', 'none', 'private', 'shareable', 'host'].includes(ipc) && !(joinedContainer(ipc) ?? '')) throw new InvalidArgumentError(`invalid IPC mode: ${ipc}`);
  const pid = str('PidMode');
  if (!['', 'host'].includes(pid) && !(joinedContainer(pid) ?? '')) throw new InvalidArgumentError(`invalid PID mode: ${pid}`);
  const uts = str('UTSMode');
  if (!['', 'host'].includes(uts)) throw new InvalidArgumentError(`invalid UTS mode: ${uts}`);
  if (uts === 'host' && hostname !== '') throw new InvalidArgumentError('conflicting options: hostname and the UTS mode');
  const cgroupns = str('CgroupnsMode');
  if (!['', 'host', 'private'].includes(cgroupns)) throw new InvalidArgumentError(`invalid cgroup namespace mode: ${cgroupns}`);
  const userns = str('UsernsMode');
  if (!['', 'host'].includes(userns)) throw new InvalidArgumentError(`invalid USER mode: ${userns}`);

  const network = str('NetworkMode');
  for (const [k, v] of Object.entries((hc.Sysctls ?? {}) as Record<string, string>)) {
    if (!isIpcSysctl(k) && !isNetSysctl(k)) throw new InvalidArgumentError(`sysctl '${k}=${v}' is not allowed`);
    if (isNetSysctl(k) && (network === 'host' || network.startsWith('container:'))) throw new InvalidArgumentError(`sysctl "${k}" not allowed in host network namespace`);
    if (isIpcSysctl(k) && ipc === 'host') throw new InvalidArgumentError(`sysctl "${k}" is not allowed in the hosts ipc namespace`);
  }
}
