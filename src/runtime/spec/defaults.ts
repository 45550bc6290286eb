import type { OciDeviceCgroup, OciMount } from './types.js';

/** Docker's default capability set (moby daemon/pkg/oci/caps/defaults.go). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Paths hidden from unprivileged containers (info leaks and side channels). */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi', '/proc/asound', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/sched_debug', '/proc/scsi', '/proc/timer_list', '/proc/timer_stats',
  '/sys/devices/virtual/powercap', '/sys/firmware',
];

/** Paths made read-only for unprivileged containers. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
];

/** Docker's default /dev/shm size (64 MiB). */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** PATH given to a process whose environment has none (Docker's value for Linux). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Default RLIMIT_NOFILE when the host allows it (what dockerd under systemd passes on). */
export const DEFAULT_NOFILE = 1048576;

/** The filesystems every container gets, in mount order. */
export function defaultMounts(opts: { privileged: boolean; shmSize: number }): OciMount[] {
  const sysOptions = ['nosuid', 'noexec', 'nodev', opts.privileged ? 'rw' : 'ro'];
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: sysOptions },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...sysOptions, 'relatime'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${opts.shmSize}`] },
  ];
}

/**
 * The device cgroup rules of an unprivileged container: deny everything, then allow mknod of any
 * node (creating a node grants no access) and use of the harmless devices.
 */
export function defaultDeviceRules(): OciDeviceCgroup[] {
  const allowChar = (major: number, minor: number | undefined): OciDeviceCgroup =>
    minor === undefined
      ? { allow: true, type: 'c', major, access: 'rwm' }
      : { allow: true, type: 'c', major, minor, access: 'rwm' };
  return [
    { allow: false, access: 'rwm' },
    { allow: true, type: 'c', access: 'm' },
    { allow: true, type: 'b', access: 'm' },
    allowChar(1, 3), // null
    allowChar(1, 5), // zero
    allowChar(1, 7), // full
    allowChar(1, 8), // random
    allowChar(1, 9), // urandom
    allowChar(5, 0), // tty
    allowChar(5, 1), // console
    allowChar(5, 2), // ptmx
    allowChar(136, undefined), // pts/*
    allowChar(10, 200), // net/tun
    // No explicit "deny c 10:229" (fuse) as in Docker's list: the leading deny-all covers it, and
    // runc's cgroup v1 device emulator rejects a deny that punches into the "c *:* m" wildcard.
  ];
}
