// docker run's options that shape the container's process and its root: init, read-only,
// tmpfs, capabilities, privileges, seccomp, ulimits, /dev/shm, stop signal and timeout,
// groups, labels from a file, the cid file, and the OOM knobs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, hex64, includes, ok, uniq } from '../helpers/assert.js';

describe('compat: docker run options', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), '/usr/bin/tini-static'] }), concurrency: 4 }, () => {
  let d: Daemon;
  let dir: string;
  before(async () => {
    d = await startDaemon();
    dir = mkdtempSync(join(tmpdir(), 'berth-run-options-'));
  });
  after(async () => {
    await d?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => ok(await d.docker(['run', '--rm', ...args]));
  const inspect = async (format: string, name: string) => ok(await d.docker(['inspect', '-f', format, name])).trim();
  const capEff = (status: string) => /CapEff:\s*([0-9a-f]+)/.exec(status)?.[1];

  it('--init runs the host\'s init as PID 1, read-only at /sbin/docker-init, and inspect says Init', async () => {
    const name = uniq('init');
    const out = ok(await d.docker(['run', '--name', name, '--init', 'busybox', 'sh', '-c', 'tr "\\0" " " </proc/1/cmdline; echo; grep " /sbin/docker-init " /proc/mounts']));
    assert.match(out, /^\/sbin\/docker-init -- sh -c /);
    assert.match(out, /\/sbin\/docker-init \S+ ro[,\s]/);
    assert.equal(await inspect('{{.HostConfig.Init}}', name), 'true');
    ok(await d.docker(['rm', name]));
  });

  it('--init reaps: the command\'s exit code is still the container\'s', async () => {
    exitsWith(await d.docker(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'exit 3']), 3);
  });

  it('--read-only makes the root read-only; --tmpfs still gives a writable dir with its options', async () => {
    const r = await d.docker(['run', '--rm', '--read-only', 'busybox', 'touch', '/x']);
    exitsWith(r, 1);
    includes(r.stderr, 'Read-only file system', r);
    const out = await run(['--read-only', '--tmpfs', '/scratch:size=1m,mode=700', 'busybox', 'sh', '-c', 'touch /scratch/x && grep " /scratch " /proc/mounts']);
    assert.match(out, /tmpfs \/scratch tmpfs rw,.*size=1024k/);
    assert.match(out, /mode=700/);
  });

  it('--cap-drop ALL --cap-add CHOWN leaves exactly CHOWN; --privileged has every capability and the host\'s devices', async () => {
    assert.equal(capEff(await run(['--cap-drop', 'ALL', '--cap-add', 'CHOWN', 'busybox', 'cat', '/proc/self/status'])), '0000000000000001');
    const defaults = BigInt(`0x${capEff(await run(['busybox', 'cat', '/proc/self/status']))}`);
    const noNetRaw = BigInt(`0x${capEff(await run(['--cap-drop', 'NET_RAW', 'busybox', 'cat', '/proc/self/status']))}`);
    assert.equal(defaults & ~noNetRaw, 1n << 13n, 'NET_RAW (13) dropped');
    const priv = await run(['--privileged', 'busybox', 'sh', '-c', 'cat /proc/self/status; ls /dev | wc -l; grep -c Seccomp:.0 /proc/self/status']);
    assert.ok(BigInt(`0x${capEff(priv)}`) > defaults);
    const lines = priv.trim().split('\n');
    assert.equal(lines.at(-1), '1', 'no seccomp filter when privileged');
    assert.ok(Number(lines.at(-2)) > 20, 'the host\'s devices');
    const r = await d.docker(['run', '--rm', '--cap-add', 'NOT_A_CAP', 'busybox', 'true']);
    exitsWith(r, 125);
    includes(r.stderr, 'invalid CapAdd: unknown capability: "CAP_NOT_A_CAP"', r);
  });

  it('--security-opt: seccomp=unconfined, a profile file, no-new-privileges, apparmor=unconfined', async () => {
    assert.match(await run(['--security-opt', 'seccomp=unconfined', 'busybox', 'grep', '^Seccomp:', '/proc/self/status']), /Seccomp:\s+0/);
    assert.match(await run(['busybox', 'grep', '^Seccomp:', '/proc/self/status']), /Seccomp:\s+2/);
    const profile = join(dir, 'seccomp.json');
    writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
    const denied = await d.docker(['run', '--rm', '--security-opt', `seccomp=${profile}`, 'busybox', 'mkdir', '/tmp/d']);
    exitsWith(denied, 1);
    includes(denied.stderr, 'Operation not permitted', denied);
    assert.match(await run(['--security-opt', 'no-new-privileges', 'busybox', 'grep', '^NoNewPrivs:', '/proc/self/status']), /NoNewPrivs:\s+1/);
    assert.equal(await run(['--security-opt', 'apparmor=unconfined', 'busybox', 'echo', 'ok']), 'ok\n');
    const bad = await d.docker(['run', '--rm', '--security-opt', 'bogus=1', 'busybox', 'true']);
    exitsWith(bad, 125);
    includes(bad.stderr, 'invalid --security-opt', bad);
  });

  it('--ulimit sets soft and hard limits; a bad one is refused before anything is made', async () => {
    assert.equal(await run(['--ulimit', 'nofile=100:200', '--ulimit', 'nproc=50', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -u']), '100\n200\n50\n');
    const names = [uniq('ul'), uniq('ul')];
    const res = await d.api({ method: 'POST', path: `/containers/create?name=${names[0]}`, body: { Image: 'busybox', Cmd: ['true'], HostConfig: { Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] } } });
    assert.equal(res.status, 400);
    assert.match(res.json<{ message: string }>().message, /ulimit soft limit must be less than or equal to hard limit: 10 > 5/);
    const bogus = await d.api({ method: 'POST', path: `/containers/create?name=${names[1]}`, body: { Image: 'busybox', Cmd: ['true'], HostConfig: { Ulimits: [{ Name: 'bogus', Soft: 1, Hard: 1 }] } } });
    assert.equal(bogus.status, 400, bogus.body);
    for (const n of names) assert.equal((await d.api({ path: `/containers/${n}/json` })).status, 404, `a refused create leaves no container (${n})`);
  });

  it('--shm-size sizes /dev/shm', async () => {
    assert.match(await run(['--shm-size', '10m', 'busybox', 'grep', ' /dev/shm ', '/proc/mounts']), /size=10240k/);
  });

  it('--stop-signal is what stop sends; --stop-timeout is how long it waits', async () => {
    const name = uniq('sig');
    ok(await d.docker(['run', '-d', '--name', name, '--stop-signal', 'SIGUSR1', '--stop-timeout', '20', 'busybox', 'sh', '-c', 'trap "exit 42" USR1; while :; do sleep 0.1; done']));
    assert.equal(await inspect('{{.Config.StopSignal}} {{.Config.StopTimeout}}', name), 'SIGUSR1 20');
    ok(await d.docker(['stop', name]));
    assert.equal(await inspect('{{.State.ExitCode}}', name), '42');
    const stubborn = uniq('stubborn');
    ok(await d.docker(['run', '-d', '--name', stubborn, '--stop-timeout', '1', 'busybox', 'sh', '-c', 'trap "" TERM; while :; do sleep 0.1; done']));
    const t0 = Date.now();
    ok(await d.docker(['stop', stubborn]));
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 8000, `stop took ${took} ms`);
    assert.equal(await inspect('{{.State.ExitCode}}', stubborn), '137');
    const bad = await d.docker(['run', '--rm', '--name', uniq('badsig'), '--stop-signal', 'SIGFOO', 'busybox', 'true']);
    exitsWith(bad, 125);
    includes(bad.stderr, 'Invalid signal: SIGFOO', bad);
  });

  it('--group-add adds groups by name and number', async () => {
    assert.match(await run(['--group-add', 'audio', '--group-add', '1234', 'busybox', 'id', '-G']), /^0 .*\b29\b.*\b1234\b/);
  });

  it('--label-file reads labels, skipping comments', async () => {
    const file = join(dir, 'labels');
    writeFileSync(file, '# a comment\ntier=web\n\nowner=ops\n');
    const name = uniq('lf');
    ok(await d.docker(['create', '--name', name, '--label-file', file, '--label', 'extra=1', 'busybox', 'true']));
    assert.equal(await inspect('{{json .Config.Labels}}', name), '{"extra":"1","owner":"ops","tier":"web"}');
  });

  it('--cidfile writes the id; an existing file is refused', async () => {
    const file = join(dir, 'cid');
    ok(await d.docker(['run', '--rm', '--cidfile', file, 'busybox', 'true']));
    assert.match(readFileSync(file, 'utf8'), hex64);
    const r = await d.docker(['run', '--rm', '--cidfile', file, 'busybox', 'true']);
    exitsWith(r, 125);
    includes(r.stderr, `container ID file found, make sure the other container isn't running or delete ${file}`, r);
    assert.ok(existsSync(file));
  });

  it('--oom-score-adj and --oom-kill-disable reach the container', async () => {
    assert.equal(await run(['--oom-score-adj', '500', 'busybox', 'cat', '/proc/self/oom_score_adj']), '500\n');
    const name = uniq('oom');
    ok(await d.docker(['run', '--name', name, '--oom-kill-disable', '-m', '32m', 'busybox', 'true']));
    assert.equal(await inspect('{{.HostConfig.OomKillDisable}}', name), 'true');
    const r = await d.docker(['run', '--rm', '--oom-score-adj', '1001', 'busybox', 'true']);
    exitsWith(r, 125);
    includes(r.stderr, 'Invalid value 1001, range for oom score adj is [-1000, 1000]', r);
  });
});
