import { readFileSync } from 'node:fs';

/** Linux capability names indexed by their bit number (linux/capability.h). */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Capability names whose bits are set in a hex mask as printed in /proc/<pid>/status. */
export function capabilitiesFromMask(hexMask: string): string[] {
  const mask = BigInt(`0x${hexMask.trim()}`);
  return CAPABILITY_NAMES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

let cachedBounding: string[] | undefined;

/**
 * The capabilities this process may hand to a container (its bounding set). A privileged container
 * gets these rather than every known capability, because asking the runtime for one the host
 * withholds (e.g. CAP_SYS_RESOURCE inside another container) makes the start fail.
 */
export function hostBoundingCapabilities(): string[] {
  if (cachedBounding) return cachedBounding;
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('CapBnd:'));
    cachedBounding = line ? capabilitiesFromMask(line.slice('CapBnd:'.length)) : [...CAPABILITY_NAMES];
  } catch {
    cachedBounding = [...CAPABILITY_NAMES];
  }
  return cachedBounding;
}
