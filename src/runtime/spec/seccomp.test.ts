import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpecInput } from '../types.js';
import { buildSpec } from './build.js';
import { defaultSeccomp, seccompFor } from './seccomp.js';
import type { OciSeccomp, OciSeccompArg } from './seccomp-types.js';

const DEFAULT_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];
const HOST = { arch: 'x64', kernel: '6.18.4-generic' };
const filter = (caps: string[] = DEFAULT_CAPS, host = HOST): OciSeccomp => defaultSeccomp({ capabilities: caps, ...host });

function matches(a: OciSeccompArg, args: number[]): boolean {
  const v = BigInt(args[a.index] ?? 0);
  const value = BigInt(a.value);
  switch (a.op) {
    case 'SCMP_CMP_EQ': return v === value;
    case 'SCMP_CMP_NE': return v !== value;
    case 'SCMP_CMP_LT': return v < value;
    case 'SCMP_CMP_LE': return v <= value;
    case 'SCMP_CMP_GT': return v > value;
    case 'SCMP_CMP_GE': return v >= value;
    case 'SCMP_CMP_MASKED_EQ': return (v & value) === BigInt(a.valueTwo ?? 0);
  }
}

/** What the kernel answers for a call under the filter, as libseccomp builds it: the errno, or 0 when allowed. */
function outcome(f: OciSeccomp, name: string, args: number[] = []): number {
  const hit = (f.syscalls ?? []).filter((r) => r.names.includes(name) && (r.args ?? []).every((a) => matches(a, args)));
  const allowed = hit.some((r) => r.action === 'SCMP_ACT_ALLOW');
  if (allowed) return 0;
  const errno = hit.find((r) => r.action === 'SCMP_ACT_ERRNO');
  if (errno) return errno.errnoRet ?? 1;
  return f.defaultAction === 'SCMP_ACT_ALLOW' ? 0 : f.defaultErrnoRet ?? 1;
}

const EPERM = 1;
const ENOSYS = 38;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWNS = 0x00020000;
const SIGCHLD = 17;
const THREAD_FLAGS = 0x003d0f00; // what glibc's pthread_create passes
const AF_INET = 2;
const AF_ALG = 38;
const AF_NFC = 39;
const AF_VSOCK = 40;
const AF_XDP = 44;
const READ_IMPLIES_EXEC = 0x0400000;
const ADDR_NO_RANDOMIZE = 0x0040000;

test('the default filter denies with EPERM whatever it does not list', () => {
  const f = filter();
  assert.equal(f.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(f.defaultErrnoRet, EPERM);
  for (const name of ['read', 'write', 'openat', 'execve', 'mmap', 'futex', 'epoll_wait', 'wait4', 'ptrace', 'statx', 'chroot', 'arch_prctl']) {
    assert.equal(outcome(f, name), 0, `${name} should be allowed`);
  }
  for (const name of [
    'unshare', 'setns', 'mount', 'umount2', 'pivot_root', 'keyctl', 'add_key', 'request_key', 'kexec_load', 'init_module',
    'bpf', 'perf_event_open', 'reboot', 'clock_settime', 'userfaultfd', 'io_uring_setup', 'open_tree_attr',
    'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'swapon', 'acct', 'a_syscall_of_the_future',
  ]) {
    assert.equal(outcome(f, name), EPERM, `${name} should be denied`);
  }
});

test('clone may make processes and threads but no namespaces without CAP_SYS_ADMIN; clone3 falls back', () => {
  const f = filter();
  assert.equal(outcome(f, 'clone', [SIGCHLD]), 0);
  assert.equal(outcome(f, 'clone', [THREAD_FLAGS]), 0);
  assert.equal(outcome(f, 'clone', [CLONE_NEWUSER | SIGCHLD]), EPERM);
  assert.equal(outcome(f, 'clone', [CLONE_NEWNS | SIGCHLD]), EPERM);
  assert.equal(outcome(f, 'clone3'), ENOSYS);
  const admin = filter([...DEFAULT_CAPS, 'CAP_SYS_ADMIN']);
  assert.equal(outcome(admin, 'clone', [CLONE_NEWUSER | SIGCHLD]), 0);
  assert.equal(outcome(admin, 'clone3'), 0);
});

test('socket: every family but AF_ALG and AF_VSOCK', () => {
  const f = filter();
  for (const family of [AF_INET, 1, 10, 16, 17, AF_NFC, AF_XDP]) assert.equal(outcome(f, 'socket', [family]), 0, `family ${family}`);
  assert.equal(outcome(f, 'socket', [AF_ALG]), EPERM);
  assert.equal(outcome(f, 'socket', [AF_VSOCK]), EPERM);
});

test('personality: the query, Linux and 32-bit emulation, never READ_IMPLIES_EXEC or no-ASLR', () => {
  const f = filter();
  for (const p of [0, 8, 0x20000, 0x20008, 0xffffffff]) assert.equal(outcome(f, 'personality', [p]), 0, `personality ${p}`);
  assert.equal(outcome(f, 'personality', [READ_IMPLIES_EXEC]), EPERM);
  assert.equal(outcome(f, 'personality', [ADDR_NO_RANDOMIZE]), EPERM);
});

test('a capability unlocks its own syscalls and no others', () => {
  const admin = filter([...DEFAULT_CAPS, 'CAP_SYS_ADMIN']);
  for (const name of ['mount', 'unshare', 'setns', 'bpf', 'perf_event_open', 'sethostname', 'lsm_list_modules']) assert.equal(outcome(admin, name), 0, name);
  for (const name of ['reboot', 'keyctl', 'init_module', 'clock_settime']) assert.equal(outcome(admin, name), EPERM, name);
  const time = filter([...DEFAULT_CAPS, 'CAP_SYS_TIME']);
  assert.equal(outcome(time, 'clock_settime'), 0);
  assert.equal(outcome(time, 'mount'), EPERM);
  assert.equal(outcome(filter([...DEFAULT_CAPS, 'CAP_BPF']), 'bpf'), 0);
  assert.equal(outcome(filter([...DEFAULT_CAPS, 'CAP_SYS_PTRACE']), 'kcmp'), 0);
  assert.equal(outcome(filter(), 'kcmp'), EPERM);
  // chroot is a default capability; dropping it takes the syscall too.
  assert.equal(outcome(filter(DEFAULT_CAPS.filter((c) => c !== 'CAP_SYS_CHROOT')), 'chroot'), EPERM);
});

test('architectures: the native one with the ABIs its kernel also runs, and the calls each has', () => {
  const x64 = filter();
  assert.deepEqual(x64.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  // A kernel built without x32 needs no rules for it.
  assert.deepEqual(defaultSeccomp({ capabilities: DEFAULT_CAPS, ...HOST, x32: false }).architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.equal(outcome(x64, 'set_tls'), EPERM);
  const arm = filter(DEFAULT_CAPS, { arch: 'arm64', kernel: '6.1.0' });
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.equal(outcome(arm, 'set_tls'), 0);
  assert.equal(outcome(arm, 'arch_prctl'), EPERM);
  // s390 passes clone's flags second.
  const s390 = filter(DEFAULT_CAPS, { arch: 's390x', kernel: '6.1.0' });
  assert.equal(outcome(s390, 'clone', [0, CLONE_NEWUSER]), EPERM);
  assert.equal(outcome(s390, 'clone', [CLONE_NEWUSER, SIGCHLD]), 0);
});

test('ptrace is allowed to all from kernel 4.8, before only with CAP_SYS_PTRACE', () => {
  assert.equal(outcome(filter(DEFAULT_CAPS, { arch: 'x64', kernel: '4.4.0-210-generic' }), 'ptrace'), EPERM);
  assert.equal(outcome(filter(DEFAULT_CAPS, { arch: 'x64', kernel: '4.8.0' }), 'ptrace'), 0);
  assert.equal(outcome(filter([...DEFAULT_CAPS, 'CAP_SYS_PTRACE'], { arch: 'x64', kernel: '4.4.0' }), 'ptrace'), 0);
});

test('the filter stays compact: a dozen rules, each name once', () => {
  const f = filter();
  assert.ok(f.syscalls!.length <= 12, `${f.syscalls!.length} rules`);
  for (const r of f.syscalls!) assert.equal(new Set(r.names).size, r.names.length);
  const allowAll = f.syscalls!.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args);
  assert.equal(allowAll.length, 1, 'one rule holds every unconditional name');
});

test('seccompFor: unconfined is none, default the built-in, a profile its own', () => {
  const target = { capabilities: DEFAULT_CAPS, ...HOST };
  assert.equal(seccompFor('unconfined', target), undefined);
  assert.deepEqual(seccompFor('default', target), filter());
  const custom = seccompFor({ profile: JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] }) }, target)!;
  assert.equal(outcome(custom, 'mkdir'), 13);
  assert.equal(custom.defaultAction, 'SCMP_ACT_ALLOW');
});

test('buildSpec: the filter follows the container\'s capabilities; privileged and unconfined get none', () => {
  const facts = { capabilities: [...DEFAULT_CAPS, 'CAP_SYS_ADMIN', 'CAP_SYS_TIME'], nofileHard: 1024, cgroupNamespace: true, hostDevices: [], arch: 'x64', kernelRelease: '6.1.0', x32Abi: false };
  const root = { uid: 0, gid: 0, additionalGids: [0], home: '/root' };
  const input = (over: Partial<SpecInput> = {}): SpecInput => ({
    id: 'c1', rootfs: '/nonexistent/rootfs', args: ['true'], env: [], cwd: '', user: '', hostname: 'box', tty: false,
    openStdin: false, networkMode: 'private', cgroupsPath: '/berth/c1', ...over,
  });
  const plain = buildSpec(input(), facts, root).linux.seccomp!;
  assert.equal(outcome(plain, 'mount'), EPERM);
  assert.deepEqual(plain.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.equal(outcome(buildSpec(input({ capAdd: ['SYS_ADMIN'] }), facts, root).linux.seccomp!, 'mount'), 0);
  assert.equal(buildSpec(input({ seccomp: 'unconfined' }), facts, root).linux.seccomp, undefined);
  const profile = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, includes: { caps: ['CAP_SYS_TIME'] } }] });
  assert.equal(outcome(buildSpec(input({ seccomp: { profile } }), facts, root).linux.seccomp!, 'mkdir'), 0, 'no rule without the capability');
  assert.equal(outcome(buildSpec(input({ seccomp: { profile }, capAdd: ['SYS_TIME'] }), facts, root).linux.seccomp!, 'mkdir'), 13);
  assert.equal(buildSpec(input({ seccomp: { profile }, privileged: true }), facts, root).linux.seccomp, undefined);
});
