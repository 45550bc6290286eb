// docker run as a user types it: output, exit codes, and the flags that shape
// the container (env, user, workdir, limits, networking, stdin).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, hex64, includes, ok, uniq } from '../helpers/assert.js';

/** Interface names from a /proc/net/dev listing. */
function interfaces(procNetDev: string): string[] {
  return procNetDev
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]!.trim())
    .filter((n) => n !== '')
    .sort();
}

describe('compat: docker run', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const inspect = async (format: string, name: string) => ok(await d.docker(['inspect', '-f', format, name])).trim();

  it('run --rm busybox echo hello prints hello', async () => {
    assert.equal(ok(await d.docker(['run', '--rm', 'busybox', 'echo', 'hello'])), 'hello\n');
  });

  it('--rm removes the container once it exits', async () => {
    const name = uniq('rm');
    ok(await d.docker(['run', '--rm', '--name', name, 'busybox', 'true']));
    assert.equal(ok(await d.docker(['ps', '-a', '--filter', `name=${name}`, '-q'])), '');
  });

  it('stdout and stderr stay separate', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(ok(r), 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it("the container's exit code is run's exit code", async () => {
    exitsWith(await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 7']), 7);
  });

  it('a missing command exits 127', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'no-such-command-xyz']);
    exitsWith(r, 127);
    includes(r.stderr, 'no-such-command-xyz', r);
  });

  it('a command that cannot be executed exits 126', async () => {
    // /bin is in every image and is not executable as a program.
    exitsWith(await d.docker(['run', '--rm', 'busybox', '/bin']), 126);
  });

  it('an unknown image exits 125 (with --pull never)', async () => {
    const r = await d.docker(['run', '--rm', '--pull', 'never', 'berth-no-such-image:v1', 'true']);
    exitsWith(r, 125);
    includes(r.stderr, /No such image/i, r);
  });

  it('an unknown image exits 125 (default pull policy, no registry reachable)', async () => {
    const r = await d.docker(['run', '--rm', 'berth-no-such-image:v1', 'true'], { timeoutMs: 90_000 });
    exitsWith(r, 125);
    includes(r.stderr, "Unable to find image 'berth-no-such-image:v1' locally", r);
  });

  it('-d --name prints the id and leaves it running', async () => {
    const name = uniq('det');
    const id = ok(await d.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '600'])).trim();
    assert.match(id, hex64);
    assert.equal(await inspect('{{.State.Running}}', name), 'true');
    assert.equal(await inspect('{{.Id}}', name), id);
    assert.equal(await inspect('{{.Name}}', name), `/${name}`);
  });

  it('-e sets and passes through environment variables', async () => {
    const r = await d.docker(['run', '--rm', '-e', 'FOO=bar', '-e', 'PASSED', '-e', 'EMPTY=', 'busybox', 'env'], {
      env: { PASSED: 'through' },
    });
    const env = ok(r).split('\n');
    assert.ok(env.includes('FOO=bar'), r.stdout);
    assert.ok(env.includes('PASSED=through'), r.stdout);
    assert.ok(env.includes('EMPTY='), r.stdout);
    assert.ok(env.some((l) => l.startsWith('PATH=')), `image PATH missing:\n${r.stdout}`);
  });

  it('--env-file reads KEY=value lines and skips comments', async () => {
    const file = join(d.base, 'test.env');
    writeFileSync(file, '# a comment\nA=1\nB=two words\n\nC=x=y\n');
    const env = ok(await d.docker(['run', '--rm', '--env-file', file, 'busybox', 'env'])).split('\n');
    for (const want of ['A=1', 'B=two words', 'C=x=y']) assert.ok(env.includes(want), `${want} missing from\n${env.join('\n')}`);
  });

  it('-w sets the working directory, creating it when missing', async () => {
    assert.equal(ok(await d.docker(['run', '--rm', '-w', '/tmp', 'busybox', 'pwd'])), '/tmp\n');
    assert.equal(ok(await d.docker(['run', '--rm', '-w', '/made/by/berth', 'busybox', 'pwd'])), '/made/by/berth\n');
  });

  it('-u runs as that user', async () => {
    assert.equal(ok(await d.docker(['run', '--rm', '-u', 'nobody', 'busybox', 'id', '-u'])), '65534\n');
    assert.equal(ok(await d.docker(['run', '--rm', '-u', '1234:5678', 'busybox', 'sh', '-c', 'id -u; id -g'])), '1234\n5678\n');
  });

  it('--entrypoint replaces the entrypoint', async () => {
    assert.equal(ok(await d.docker(['run', '--rm', '--entrypoint', '/bin/echo', 'busybox', 'from-entrypoint'])), 'from-entrypoint\n');
  });

  it('-l sets labels', async () => {
    const name = uniq('lbl');
    ok(await d.docker(['run', '--name', name, '-l', 'a=b', '-l', 'team=blue', 'busybox', 'true']));
    const labels = JSON.parse(await inspect('{{json .Config.Labels}}', name)) as Record<string, string>;
    assert.equal(labels.a, 'b');
    assert.equal(labels.team, 'blue');
  });

  it('--hostname sets the hostname', async () => {
    assert.equal(ok(await d.docker(['run', '--rm', '--hostname', 'myhost', 'busybox', 'hostname'])), 'myhost\n');
  });

  it('-m limits memory (inspect and the cgroup inside agree)', async () => {
    const name = uniq('mem');
    const out = ok(await d.docker(['run', '--name', name, '-m', '64m', 'busybox', 'sh', '-c',
      'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes']));
    assert.equal(out.trim(), '67108864');
    assert.equal(await inspect('{{.HostConfig.Memory}}', name), '67108864');
  });

  it('--cpus sets a CFS quota', async () => {
    const name = uniq('cpu');
    const out = ok(await d.docker(['run', '--name', name, '--cpus', '0.5', 'busybox', 'sh', '-c',
      'cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us']));
    assert.equal(out.trim().split(/\s+/).join(' '), '50000 100000');
    assert.equal(await inspect('{{.HostConfig.NanoCpus}}', name), '500000000');
  });

  it('--pids-limit limits processes', async () => {
    const name = uniq('pids');
    const out = ok(await d.docker(['run', '--name', name, '--pids-limit', '32', 'busybox', 'sh', '-c',
      'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max']));
    assert.equal(out.trim(), '32');
    assert.equal(await inspect('{{.HostConfig.PidsLimit}}', name), '32');
  });

  it('--network none has only lo', async () => {
    const out = ok(await d.docker(['run', '--rm', '--network', 'none', 'busybox', 'cat', '/proc/net/dev']));
    assert.deepEqual(interfaces(out), ['lo']);
    const link = ok(await d.docker(['run', '--rm', '--network', 'none', 'busybox', 'ip', 'link']));
    assert.doesNotMatch(link, /^\d+: (?!lo:)/m, link);
  });

  it("--network host sees the host's interfaces", async () => {
    // Other tests add and remove veths meanwhile: compare the interfaces that stay put (those
    // before and after the run), which a namespace of the container's own would not have.
    const before = interfaces(readFileSync('/proc/net/dev', 'utf8'));
    const out = ok(await d.docker(['run', '--rm', '--network', 'host', 'busybox', 'cat', '/proc/net/dev']));
    const after = interfaces(readFileSync('/proc/net/dev', 'utf8'));
    const steady = before.filter((i) => after.includes(i));
    assert.ok(steady.length > 1, `the host has more than loopback: ${steady.join(' ')}`);
    assert.deepEqual(steady.filter((i) => !interfaces(out).includes(i)), [], 'host interfaces the container does not see');
  });

  // The default network is the default bridge: the container's own namespace with loopback and
  // eth0; `--network none` keeps loopback alone.
  it('the default network gives eth0 besides loopback; --network none only loopback', async () => {
    const out = ok(await d.docker(['run', '--rm', 'busybox', 'cat', '/proc/net/dev']));
    assert.deepEqual(interfaces(out).sort(), ['eth0', 'lo']);
    const none = ok(await d.docker(['run', '--rm', '--network', 'none', 'busybox', 'cat', '/proc/net/dev']));
    assert.deepEqual(interfaces(none), ['lo']);
  });

  // THREATS SEC-D5: the default seccomp filter refuses namespaces; unconfined lifts it.
  it('the default seccomp filter refuses unshare; seccomp=unconfined allows it', async () => {
    const refused = await d.docker(['run', '--rm', 'busybox', 'unshare', '-U', 'true']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr + refused.stdout, /Operation not permitted/);
    ok(await d.docker(['run', '--rm', '--security-opt', 'seccomp=unconfined', 'busybox', 'unshare', '-U', 'true']));
    assert.match(ok(await d.docker(['run', '--rm', 'busybox', 'grep', 'Seccomp:', '/proc/self/status'])), /Seccomp:\s+2/);
    assert.match(ok(await d.docker(['run', '--rm', '--privileged', 'busybox', 'grep', 'Seccomp:', '/proc/self/status'])), /Seccomp:\s+0/);
  });

  it('twenty runs in a row all succeed and leave nothing behind', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await d.docker(['run', '--rm', '-l', 'burst=1', 'busybox', 'sh', '-c', `exit ${i % 3}`]);
      assert.equal(r.code, i % 3, `run ${i}: ${r.stderr}`);
    }
    assert.equal(ok(await d.docker(['ps', '-aq', '--filter', 'label=burst=1'])).trim(), '');
  });

  it('run -i passes piped stdin', async () => {
    assert.equal(ok(await d.docker(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\n' })), 'hi\n');
  });

  it('run -i carries 1 MiB of stdin intact', async () => {
    const data = Buffer.alloc(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 10)) & 0xff;
    const want = createHash('md5').update(data).digest('hex');
    const out = ok(await d.docker(['run', '-i', '--rm', 'busybox', 'md5sum'], { input: data }));
    assert.equal(out.split(/\s+/)[0], want);
  });
});
