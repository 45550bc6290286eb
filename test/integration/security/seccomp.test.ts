// The seccomp filter as a container sees it, through the real runtime: everyday programs
// work under the default filter, the calls it exists to refuse fail, a capability unlocks its
// own calls, and a profile in Docker's format given with --security-opt is applied or, when
// malformed, refused at create. THREATS SEC-D5.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon, type RunResult } from '../../helpers/daemon.js';
import { includes, ok } from '../../helpers/assert.js';
import { buildSyscallProbe, probeResults } from './syscall-probe.js';

describe('integration: seccomp', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), 'gcc'] }) }, () => {
  let d: Daemon;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bt-seccomp-'));
    buildSyscallProbe(dir);
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const probe = async (calls: string[], opts: string[] = []): Promise<Record<string, string>> =>
    probeResults(ok(await d.docker(['run', '--rm', ...opts, '-v', `${dir}:/p:ro`, 'busybox', '/p/probe', ...calls])));

  it('leaves everyday programs working', async () => {
    const script = [
      'set -e', 'mkdir -p /tmp/w/a && cd /tmp/w',
      'echo hello > a/f && cp a/f b && mv b c && ln -s c d && cat d',
      'seq 1 300 | sort -rn | head -n 1',
      'tar cf /tmp/x.tar a && mkdir t && tar xf /tmp/x.tar -C t && cat t/a/f',
      'gzip -c a/f | gunzip | md5sum | cut -c1-8',
      'dd if=/dev/zero of=z bs=1k count=64 2>/dev/null && wc -c < z',
      'chown 1:1 a/f && chmod 600 a/f && stat -c %u:%a a/f',
      'ls -l /tmp/w | wc -l', 'date +%Y > /dev/null', 'sleep 0.1 & wait',
      'ps -o comm | grep -c "^ps$"', 'find /etc -name passwd',
      'nc 127.0.0.1 1 < /dev/null 2>&1 || true',
      'timeout 1 yes > /dev/null || true', 'chroot / true', 'echo done',
    ].join('\n');
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', script]);
    const out = ok(r);
    assert.doesNotMatch(out + r.stderr, /not permitted|Bad system call/i);
    assert.equal(out, ['hello', '300', 'hello', 'b1946ac9', '65536', '1:600', '6', '1', '/etc/passwd',
      'nc: can\'t connect to remote host (127.0.0.1): Connection refused', 'done', ''].join('\n'));
  });

  it('refuses namespaces, mounts, keyrings and the calls Docker refuses, which unconfined allows', async () => {
    const calls = [
      'personality_read_implies_exec', 'clone_newuser', 'socket_alg', 'socket_vsock', 'keyctl', 'add_key',
      'io_uring_setup', 'bpf', 'setns', 'open_tree_attr', 'lsm_list_modules', 'lsm_get_self_attr',
    ];
    const allowed = ['personality_query', 'personality_linux32', 'clone_process', 'socket_inet', 'socket_unix', 'ptrace_traceme', 'chroot'];
    const confined = await probe([...calls, 'clone3', ...allowed]);
    const unconfined = await probe(calls, ['--security-opt', 'seccomp=unconfined']);
    for (const c of calls) {
      // Calls newer than the runtime's seccomp library answer ENOSYS rather than EPERM: refused either way.
      assert.match(confined[c]!, /^(EPERM|ENOSYS)$/, `${c} under the default filter`);
      assert.notEqual(unconfined[c], confined[c], `${c}: without the filter the kernel should answer otherwise`);
    }
    for (const c of ['personality_read_implies_exec', 'clone_newuser', 'socket_vsock', 'keyctl', 'io_uring_setup']) assert.equal(confined[c], 'EPERM', c);
    assert.equal(confined.clone3, 'ENOSYS', 'clone3 answers ENOSYS so the C library falls back to clone');
    for (const c of allowed) assert.equal(confined[c], 'OK', c);
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'unshare -U true; mkdir /m; mount -t tmpfs t /m']);
    assert.notEqual(r.code, 0);
    includes(r.stderr, 'unshare(0x10000000): Operation not permitted', r);
  });

  it('lets CAP_SYS_ADMIN unshare, mount and clone namespaces', async () => {
    const out = ok(await d.docker(['run', '--rm', '--cap-add', 'SYS_ADMIN', 'busybox', 'sh', '-c', 'unshare -m true && mkdir /m && mount -t tmpfs t /m && echo mounted']));
    assert.equal(out, 'mounted\n');
    const admin = await probe(['clone_newns', 'clone_newuser', 'clone3', 'keyctl'], ['--cap-add', 'SYS_ADMIN']);
    assert.deepEqual(admin, { clone_newns: 'OK', clone_newuser: 'OK', clone3: 'OK', keyctl: 'EPERM' });
  });

  it('applies no filter to privileged or unconfined containers', async () => {
    const mode = async (opts: string[]): Promise<string> => ok(await d.docker(['run', '--rm', ...opts, 'busybox', 'grep', '^Seccomp:', '/proc/self/status'])).replace(/\s+/g, ' ').trim();
    assert.equal(await mode([]), 'Seccomp: 2');
    assert.equal(await mode(['--security-opt', 'seccomp=builtin']), 'Seccomp: 2');
    assert.equal(await mode(['--privileged']), 'Seccomp: 0');
    assert.equal(await mode(['--security-opt', 'seccomp=unconfined']), 'Seccomp: 0');
  });

  it('applies a profile in Docker\'s format, with its conditions', async () => {
    const file = join(dir, 'profile.json');
    writeFileSync(file, JSON.stringify({
      defaultAction: 'SCMP_ACT_ALLOW',
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: [] }],
      syscalls: [
        { name: 'symlinkat', action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
        { names: ['symlink'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
        { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, includes: { caps: ['CAP_SYS_TIME'], minKernel: '3.10' } },
      ],
    }));
    const run = (opts: string[]): Promise<RunResult> =>
      d.docker(['run', '--rm', '--security-opt', `seccomp=${file}`, ...opts, 'busybox', 'sh', '-c', 'mkdir /x && echo made; ln -s /x /y || echo no-link']);
    const plain = await run([]);
    assert.equal(ok(plain), 'made\nno-link\n');
    includes(plain.stderr, 'Operation not permitted', plain);
    const withCap = await run(['--cap-add', 'SYS_TIME']);
    includes(withCap.stderr, 'Permission denied', withCap);
    assert.equal(withCap.stdout, 'no-link\n');
  });

  it('refuses a malformed profile at create with the reason, leaving nothing behind', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_PERHAPS' }] }));
    const r = await d.docker(['run', '--rm', '--security-opt', `seccomp=${file}`, 'busybox', 'true']);
    assert.equal(r.code, 125);
    includes(r.stderr, 'Decoding seccomp profile failed: syscalls[0].action: unknown action "SCMP_ACT_PERHAPS"', r);
    const raw = await d.api({ method: 'POST', path: '/containers/create', body: { Image: 'busybox', HostConfig: { SecurityOpt: ['seccomp={"defaultAction":'] } } });
    assert.equal(raw.status, 400, raw.body);
    assert.match(raw.json<{ message: string }>().message, /^Decoding seccomp profile failed: not valid JSON/);
    assert.equal(ok(await d.docker(['ps', '-aq'])), '');
  });
});
