/**
 * berth's default seccomp filter, in the OCI runtime spec's format.
 *
 * Design (our own, not Docker's list): everything is allowed except syscalls that reach past
 * the container — kernel keyrings, module loading, kexec, namespaces, mounts, clocks, swap,
 * io_uring, BPF, perf — each denied with EPERM unless the container holds the capability that
 * would make it legitimate. Denying by name keeps the list short and reviewable; the price is
 * that a syscall added to a future kernel is allowed until it is listed here.
 */

/** The subset of the OCI `linux.seccomp` object berth writes. */
export interface OciSeccomp {
  defaultAction: 'SCMP_ACT_ALLOW';
  architectures: string[];
  syscalls: Array<{
    names: string[];
    action: 'SCMP_ACT_ERRNO';
    errnoRet: number;
    args?: Array<{ index: number; value: number; valueTwo?: number; op: 'SCMP_CMP_EQ' | 'SCMP_CMP_MASKED_EQ' }>;
  }>;
}

const EPERM = 1;
const ENOSYS = 38;

/** Syscalls no container gets, whatever its capabilities (short of --privileged). */
const ALWAYS_DENIED = [
  'add_key', 'keyctl', 'request_key', // kernel keyrings are not namespaced
  'kexec_load', 'kexec_file_load',
  'userfaultfd',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register', // a rich source of kernel bugs
  'pivot_root',
  'nfsservctl', 'uselib', 'vm86', 'vm86old', '_sysctl', 'sysfs', 'ustat',
  'create_module', 'get_kernel_syms', 'query_module',
];

/** Syscalls allowed only with the named capability. */
const BY_CAPABILITY: Record<string, string[]> = {
  CAP_SYS_ADMIN: [
    'mount', 'umount', 'umount2', 'mount_setattr', 'move_mount', 'open_tree', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
    'unshare', 'setns', 'fanotify_init', 'lookup_dcookie', 'quotactl', 'quotactl_fd', 'sethostname', 'setdomainname', 'syslog',
  ],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_MODULE: ['init_module', 'finit_module', 'delete_module'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd'],
  CAP_SYS_TIME: ['settimeofday', 'clock_settime', 'clock_adjtime', 'stime'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_NICE: ['get_mempolicy', 'set_mempolicy', 'mbind', 'move_pages'],
  CAP_BPF: ['bpf'],
  CAP_PERFMON: ['perf_event_open'],
  CAP_SYSLOG: [],
};

/** clone() flags that create namespaces: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. */
const CLONE_NAMESPACE_FLAGS = [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000];

/** Socket families no container opens: AF_ALG (kernel crypto) and AF_VSOCK (host sockets). */
const DENIED_SOCKET_FAMILIES = [38, 40];

const ARCHES: Record<string, string[]> = {
  x64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  arm64: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
};

/** The default filter for a container with these (normalised, CAP_-prefixed) capabilities. */
export function defaultSeccomp(capabilities: string[], arch: string = process.arch): OciSeccomp {
  const caps = new Set(capabilities);
  const denied = [...ALWAYS_DENIED];
  for (const [cap, names] of Object.entries(BY_CAPABILITY)) {
    if (caps.has(cap)) continue;
    // bpf and perf_event_open were CAP_SYS_ADMIN's before CAP_BPF and CAP_PERFMON existed.
    if ((cap === 'CAP_BPF' || cap === 'CAP_PERFMON') && caps.has('CAP_SYS_ADMIN')) continue;
    denied.push(...names);
  }
  const syscalls: OciSeccomp['syscalls'] = [{ names: denied, action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }];
  if (!caps.has('CAP_SYS_ADMIN')) {
    // One rule per flag: the rules are ORed, so any namespace flag makes clone fail.
    for (const flag of CLONE_NAMESPACE_FLAGS) {
      syscalls.push({ names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [{ index: 0, value: flag, valueTwo: flag, op: 'SCMP_CMP_MASKED_EQ' }] });
    }
    // clone3 passes its flags in memory a filter cannot read: answer ENOSYS so libc falls back to clone.
    syscalls.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS });
  }
  for (const family of DENIED_SOCKET_FAMILIES) {
    syscalls.push({ names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [{ index: 0, value: family, op: 'SCMP_CMP_EQ' }] });
  }
  return { defaultAction: 'SCMP_ACT_ALLOW', architectures: ARCHES[arch] ?? [], syscalls };
}
