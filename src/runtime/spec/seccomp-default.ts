/**
 * berth's built-in seccomp policy, as data: everything not allowed here fails with EPERM.
 *
 * Its effect matches Docker's default profile: the same syscalls allowed, the same ones unlocked
 * by a capability, the same argument rules. It is written as groups by purpose so a reviewer
 * can see why each call is here; a syscall a future kernel adds stays denied until it is
 * reviewed and placed in a group. Names a kernel or libseccomp does not know are skipped by the
 * runtime, so listing newer calls is harmless on older hosts.
 */
import type { SeccompProfile, SeccompProfileRule } from './seccomp-types.js';

const FILE_IO = [
  'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'preadv2', 'pwritev', 'pwritev2',
  'lseek', '_llseek', 'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice', 'copy_file_range',
  'fadvise64', 'fadvise64_64', 'fallocate', 'readahead', 'flock',
  'truncate', 'truncate64', 'ftruncate', 'ftruncate64',
  'sync', 'syncfs', 'fsync', 'fdatasync', 'sync_file_range',
];

const FILE_DESCRIPTORS = [
  'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'dup', 'dup2', 'dup3',
  'fcntl', 'fcntl64', 'ioctl', 'pipe', 'pipe2', 'memfd_create', 'memfd_secret', 'name_to_handle_at',
];

const FILE_METADATA = [
  'stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'fstatat64', 'newfstatat', 'statx',
  'statfs', 'statfs64', 'fstatfs', 'fstatfs64', 'access', 'faccessat', 'faccessat2',
  'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32',
  'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat', 'umask',
  // Read the caller's own mount table, as /proc/self/mountinfo already shows it.
  'statmount', 'listmount',
];

const DIRECTORY_TREE = [
  'chdir', 'fchdir', 'getcwd', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'rmdir',
  'rename', 'renameat', 'renameat2', 'link', 'linkat', 'symlink', 'symlinkat', 'unlink', 'unlinkat',
  'readlink', 'readlinkat', 'getdents', 'getdents64',
];

const EXTENDED_ATTRIBUTES = [
  'getxattr', 'lgetxattr', 'fgetxattr', 'getxattrat', 'setxattr', 'lsetxattr', 'fsetxattr', 'setxattrat',
  'listxattr', 'llistxattr', 'flistxattr', 'listxattrat', 'removexattr', 'lremovexattr', 'fremovexattr', 'removexattrat',
];

const WAITING_FOR_EVENTS = [
  'poll', 'ppoll', 'ppoll_time64', 'select', '_newselect', 'pselect6', 'pselect6_time64',
  'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_wait', 'epoll_wait_old', 'epoll_pwait', 'epoll_pwait2',
  'eventfd', 'eventfd2', 'signalfd', 'signalfd4',
  'timerfd_create', 'timerfd_gettime', 'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64',
  'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'fanotify_mark',
];

/** Linux AIO; io_uring is left out on purpose (a large attack surface, also off in Docker). */
const ASYNC_IO = ['io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64'];

const MEMORY = [
  'brk', 'mmap', 'mmap2', 'munmap', 'mremap', 'mprotect', 'madvise', 'mincore', 'msync',
  'mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall', 'remap_file_pages', 'membarrier',
  'pkey_alloc', 'pkey_free', 'pkey_mprotect', 'mseal', 'map_shadow_stack', 'cachestat', 'process_mrelease',
];

const PROCESSES_AND_THREADS = [
  'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'waitpid',
  'kill', 'tkill', 'tgkill', 'pidfd_open', 'pidfd_send_signal',
  'getpid', 'getppid', 'gettid', 'getpgid', 'setpgid', 'getpgrp', 'getsid', 'setsid',
  'set_tid_address', 'set_robust_list', 'get_robust_list', 'get_thread_area', 'set_thread_area', 'rseq',
  'futex', 'futex_time64', 'futex_waitv', 'futex_wait', 'futex_wake', 'futex_requeue',
  'prctl', 'capget', 'capset', 'restart_syscall', 'uretprobe',
  'getrusage', 'getrlimit', 'setrlimit', 'prlimit64', 'ugetrlimit',
  'getpriority', 'setpriority', 'ioprio_get', 'ioprio_set',
];

const SCHEDULING = [
  'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getattr', 'sched_setattr',
  'sched_getparam', 'sched_setparam', 'sched_getscheduler', 'sched_setscheduler',
  'sched_get_priority_max', 'sched_get_priority_min', 'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'getcpu',
];

/** Changing ids is checked by the kernel against the capabilities; the 32 suffix is the 32-bit ABI's. */
const IDENTITY = [
  'getuid', 'getuid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getegid', 'getegid32',
  'getresuid', 'getresuid32', 'getresgid', 'getresgid32', 'getgroups', 'getgroups32',
  'setuid', 'setuid32', 'setgid', 'setgid32', 'setreuid', 'setreuid32', 'setregid', 'setregid32',
  'setresuid', 'setresuid32', 'setresgid', 'setresgid32', 'setfsuid', 'setfsuid32', 'setfsgid', 'setfsgid32',
  'setgroups', 'setgroups32',
];

const SIGNALS = [
  'rt_sigaction', 'rt_sigprocmask', 'rt_sigpending', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'rt_sigreturn',
  'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'sigaltstack', 'sigprocmask', 'sigreturn', 'pause', 'alarm',
];

/** Reading clocks and timers; clock_adjtime and adjtimex only read without CAP_SYS_TIME. */
const TIME = [
  'time', 'gettimeofday', 'clock_gettime', 'clock_gettime64', 'clock_getres', 'clock_getres_time64',
  'clock_nanosleep', 'clock_nanosleep_time64', 'nanosleep', 'clock_adjtime', 'clock_adjtime64', 'adjtimex',
  'getitimer', 'setitimer', 'times',
  'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_gettime64', 'timer_settime', 'timer_settime64',
];

/** System V and POSIX IPC live in the container's own IPC namespace. */
const IPC = [
  'ipc', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'semctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64',
  'shmat', 'shmctl', 'shmdt', 'shmget',
  'mq_open', 'mq_unlink', 'mq_getsetattr', 'mq_notify', 'mq_timedreceive', 'mq_timedreceive_time64', 'mq_timedsend', 'mq_timedsend_time64',
];

/** Everything on a socket but making one (socket() has its own rule below). */
const SOCKETS = [
  'accept', 'accept4', 'bind', 'connect', 'listen', 'shutdown', 'socketpair', 'socketcall',
  'getpeername', 'getsockname', 'getsockopt', 'setsockopt',
  'recv', 'recvfrom', 'recvmsg', 'recvmmsg', 'recvmmsg_time64', 'send', 'sendto', 'sendmsg', 'sendmmsg',
];

/** A process may always restrict itself further. */
const SELF_RESTRICTION = ['seccomp', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self'];

const SYSTEM_INFORMATION = ['uname', 'sysinfo', 'getrandom', 'riscv_hwprobe'];

/** Calls that exist only on some architectures (Docker's native architecture names). */
const BY_ARCHITECTURE: Array<[arches: string[], names: string[]]> = [
  [['amd64', 'x32'], ['arch_prctl']],
  [['amd64', 'x32', 'x86'], ['modify_ldt']],
  [['arm', 'arm64'], ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls']],
  [['ppc64le'], ['sync_file_range2', 'swapcontext']],
  [['s390', 's390x'], ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr']],
  [['riscv64'], ['riscv_flush_icache']],
];

/**
 * Calls a capability makes legitimate. The kernel checks the capability too; the filter keeps
 * the code behind these calls out of reach of containers that could never pass that check.
 */
const BY_CAPABILITY: Array<[capability: string, names: string[]]> = [
  ['CAP_SYS_ADMIN', [
    'mount', 'umount', 'umount2', 'mount_setattr', 'move_mount', 'open_tree', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
    'unshare', 'setns', 'clone', 'clone3', 'sethostname', 'setdomainname', 'quotactl', 'quotactl_fd',
    'fanotify_init', 'lookup_dcookie', 'syslog', 'bpf', 'perf_event_open',
    'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules',
  ]],
  ['CAP_SYS_PTRACE', ['ptrace', 'process_vm_readv', 'process_vm_writev', 'process_madvise', 'kcmp', 'pidfd_getfd']],
  ['CAP_SYS_TIME', ['settimeofday', 'stime', 'clock_settime', 'clock_settime64']],
  ['CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module']],
  ['CAP_SYS_BOOT', ['reboot']],
  ['CAP_SYS_CHROOT', ['chroot']],
  ['CAP_SYS_PACCT', ['acct']],
  ['CAP_SYS_RAWIO', ['iopl', 'ioperm']],
  ['CAP_SYS_NICE', ['get_mempolicy', 'set_mempolicy', 'set_mempolicy_home_node', 'mbind']],
  ['CAP_SYS_TTY_CONFIG', ['vhangup']],
  ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
  ['CAP_SYSLOG', ['syslog']],
  ['CAP_BPF', ['bpf']],
  ['CAP_PERFMON', ['perf_event_open']],
];

const CLONE_NEWNS = 0x00020000;
const CLONE_NEWCGROUP = 0x02000000;
const CLONE_NEWUTS = 0x04000000;
const CLONE_NEWIPC = 0x08000000;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWPID = 0x20000000;
const CLONE_NEWNET = 0x40000000;
const NAMESPACE_FLAGS = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

const AF_ALG = 38; // kernel crypto sockets: a long record of kernel bugs
const AF_VSOCK = 40; // sockets to the hypervisor or host

/** personality() values a program may need: the query, plain Linux, and 32-bit or 2.6-uname emulation. */
const PER_LINUX = 0;
const PER_LINUX32 = 0x0008;
const UNAME26 = 0x0020000;
const PERSONALITY_QUERY = 0xffffffff;
const ALLOWED_PERSONALITIES = [PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32, PERSONALITY_QUERY];

const ENOSYS = 38;

function allow(names: string[], when?: SeccompProfileRule['includes'], unless?: SeccompProfileRule['excludes']): SeccompProfileRule {
  const rule: SeccompProfileRule = { names, action: 'SCMP_ACT_ALLOW' };
  if (when) rule.includes = when;
  if (unless) rule.excludes = unless;
  return rule;
}

function rules(): SeccompProfileRule[] {
  return [
    allow([
      ...FILE_IO, ...FILE_DESCRIPTORS, ...FILE_METADATA, ...DIRECTORY_TREE, ...EXTENDED_ATTRIBUTES, ...WAITING_FOR_EVENTS,
      ...ASYNC_IO, ...MEMORY, ...PROCESSES_AND_THREADS, ...SCHEDULING, ...IDENTITY, ...SIGNALS, ...TIME, ...IPC,
      ...SOCKETS, ...SELF_RESTRICTION, ...SYSTEM_INFORMATION,
    ]),
    // Before 4.8 a seccomp filter could be bypassed with ptrace; from then on it is safe for all.
    allow(['ptrace', 'process_vm_readv', 'process_vm_writev'], { minKernel: [4, 8] }),
    // Any socket family but AF_ALG and AF_VSOCK.
    { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: AF_ALG, op: 'SCMP_CMP_LT' }] },
    { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: AF_ALG + 1, op: 'SCMP_CMP_EQ' }] },
    { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_GT' }] },
    // Not READ_IMPLIES_EXEC (every readable mapping executable) nor ADDR_NO_RANDOMIZE (no ASLR).
    ...ALLOWED_PERSONALITIES.map((p): SeccompProfileRule => (
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: p, op: 'SCMP_CMP_EQ' }] })),
    ...BY_ARCHITECTURE.map(([arches, names]) => allow(names, { arches })),
    ...BY_CAPABILITY.map(([cap, names]) => allow(names, { caps: [cap] })),
    // Without CAP_SYS_ADMIN, threads and processes yes, new namespaces no. s390 swaps clone's first two arguments.
    { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }],
      excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390', 's390x'] } },
    { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }],
      includes: { arches: ['s390', 's390x'] }, excludes: { caps: ['CAP_SYS_ADMIN'] } },
    // clone3 passes its flags in memory a filter cannot read: ENOSYS makes libc fall back to clone.
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  ];
}

/** Architectures a filter covers on each host: the native one and the ABIs its kernel also runs. */
export const BUILTIN_ARCHITECTURES: Array<{ architecture: string; subArchitectures: string[] }> = [
  { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  { architecture: 'SCMP_ARCH_S390X', subArchitectures: ['SCMP_ARCH_S390'] },
  { architecture: 'SCMP_ARCH_RISCV64', subArchitectures: [] },
  { architecture: 'SCMP_ARCH_LOONGARCH64', subArchitectures: [] },
];

/** The built-in profile, in the same conditional form as a user's profile. */
export const BUILTIN_PROFILE: SeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1, // EPERM
  archMap: BUILTIN_ARCHITECTURES,
  syscalls: rules(),
};
