import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSeccomp } from './seccomp.js';

const DEFAULT_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];
const deniedNames = (p: ReturnType<typeof defaultSeccomp>): Set<string> => new Set(p.syscalls.filter((s) => !s.args).flatMap((s) => s.names));

test('the default filter denies namespace, mount, keyring and module syscalls', () => {
  const p = defaultSeccomp(DEFAULT_CAPS, 'x64');
  assert.equal(p.defaultAction, 'SCMP_ACT_ALLOW');
  assert.deepEqual(p.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  const denied = deniedNames(p);
  for (const name of ['unshare', 'setns', 'mount', 'keyctl', 'init_module', 'kexec_load', 'bpf', 'perf_event_open', 'reboot', 'clock_settime', 'clone3']) {
    assert.ok(denied.has(name), `${name} should be denied`);
  }
  for (const name of ['read', 'write', 'clone', 'execve', 'ptrace']) assert.ok(!denied.has(name), `${name} should be allowed`);
  const cloneRules = p.syscalls.filter((s) => s.names.includes('clone'));
  assert.equal(cloneRules.length, 7, 'one rule per namespace flag');
  assert.equal(p.syscalls.find((s) => s.names.includes('clone3'))!.errnoRet, 38, 'clone3 answers ENOSYS so libc falls back to clone');
});

test('a capability lifts exactly its own syscalls', () => {
  const admin = deniedNames(defaultSeccomp([...DEFAULT_CAPS, 'CAP_SYS_ADMIN'], 'x64'));
  for (const name of ['mount', 'unshare', 'setns', 'bpf', 'perf_event_open']) assert.ok(!admin.has(name), `${name} with SYS_ADMIN`);
  assert.ok(admin.has('reboot') && admin.has('keyctl'));
  assert.ok(!defaultSeccomp([...DEFAULT_CAPS, 'CAP_SYS_ADMIN'], 'x64').syscalls.some((s) => s.names.includes('clone')));
  const time = deniedNames(defaultSeccomp([...DEFAULT_CAPS, 'CAP_SYS_TIME'], 'x64'));
  assert.ok(!time.has('clock_settime') && time.has('mount'));
});
