// docker run's namespace, cgroup and device options: --ipc, --pid, --uts, --userns, --cgroupns,
// --cgroup-parent, --device, --device-cgroup-rule, --sysctl. Joining another container's
// namespace needs that container running; bad values leave no container behind.
import assert from 'node:assert/strict';
import { existsSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, ok, uniq } from '../helpers/assert.js';

describe('compat: docker run namespaces, cgroups and devices', { skip: skipReason(compatNeeds) ?? (existsSync('/dev/loop-control') ? undefined : 'needs /dev/loop-control'), concurrency: 4 }, () => {
  let d: Daemon;
  let donor: string;
  let donorPid: number;
  before(async () => {
    d = await startDaemon();
    donor = uniq('donor');
    ok(await d.docker(['run', '-d', '--name', donor, '--ipc', 'shareable', 'busybox', 'sleep', '600']));
    donorPid = Number(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', donor])).trim());
  });
  after(async () => {
    await d?.stop();
  });

  const run = async (args: string[]) => ok(await d.docker(['run', '--rm', ...args])).trim();
  const hostNs = (kind: string) => readlinkSync(`/proc/self/ns/${kind}`);
  const donorNs = (kind: string) => readlinkSync(`/proc/${donorPid}/ns/${kind}`);
  /** A refused create: status 125 with the message, and no container left by that name. */
  const refused = async (args: string[], message: string) => {
    const name = uniq('bad');
    const r = await d.docker(['run', '--rm', '--name', name, ...args]);
    exitsWith(r, 125);
    includes(r.stderr, message, r);
    assert.equal(ok(await d.docker(['ps', '-aq', '--filter', `name=${name}`])), '', 'nothing left behind');
  };

  it('--ipc: private by default, host, and container:<id> share the namespace', async () => {
    assert.notEqual(await run(['busybox', 'readlink', '/proc/self/ns/ipc']), hostNs('ipc'));
    assert.equal(await run(['--ipc', 'host', 'busybox', 'readlink', '/proc/self/ns/ipc']), hostNs('ipc'));
    assert.equal(await run(['--ipc', `container:${donor}`, 'busybox', 'readlink', '/proc/self/ns/ipc']), donorNs('ipc'));
  });

  it('--pid: host sees the host\'s processes; container:<id> sees the donor\'s', async () => {
    assert.equal(await run(['--pid', 'host', 'busybox', 'readlink', '/proc/self/ns/pid']), hostNs('pid'));
    const ps = await run(['--pid', `container:${donor}`, 'busybox', 'ps', '-o', 'args']);
    includes(ps, 'sleep 600');
  });

  it('--uts host takes the host\'s name; with --hostname it is refused', async () => {
    assert.equal(await run(['--uts', 'host', 'busybox', 'hostname']), hostname());
    await refused(['--uts', 'host', '--hostname', 'x', 'busybox', 'true'], 'conflicting options: hostname and the UTS mode');
  });

  it('--userns host is accepted', async () => {
    assert.equal(await run(['--userns', 'host', 'busybox', 'echo', 'ok']), 'ok');
  });

  it('--cgroupns host shows the container\'s cgroup path, private hides it; --cgroup-parent places it', async () => {
    const name = uniq('cg');
    const hostView = ok(await d.docker(['run', '--name', name, '--cgroupns', 'host', 'busybox', 'cat', '/proc/self/cgroup']));
    const id = ok(await d.docker(['inspect', '-f', '{{.Id}}', name])).trim();
    includes(hostView, id);
    assert.doesNotMatch(await run(['--cgroupns', 'private', 'busybox', 'cat', '/proc/self/cgroup']), /[0-9a-f]{64}/);
    const parent = uniq('berth-test-parent');
    const placed = await run(['--cgroupns', 'host', '--cgroup-parent', parent, 'busybox', 'cat', '/proc/self/cgroup']);
    assert.match(placed, new RegExp(`:/${parent}/[0-9a-f]{64}$`, 'm'));
    const res = await d.api({ method: 'POST', path: '/containers/create', body: { Image: 'busybox', Cmd: ['true'], HostConfig: { CgroupnsMode: 'bogus' } } });
    assert.equal(res.status, 400);
    assert.equal(res.json<{ message: string }>().message, 'invalid cgroup namespace mode: bogus');
  });

  it('joining a container that is not running, or does not exist, is refused', async () => {
    const stopped = uniq('stopped');
    ok(await d.docker(['create', '--name', stopped, 'busybox', 'true']));
    await refused(['--pid', `container:${stopped}`, 'busybox', 'true'], 'is not running');
    await refused(['--ipc', `container:${stopped}`, 'busybox', 'true'], "can't join IPC of container");
    await refused(['--ipc', 'container:berth-no-such', 'busybox', 'true'], 'No such container: berth-no-such');
  });

  it('--device makes the node with its cgroup permissions; a missing device is refused', async () => {
    // loop-control is outside the default device rules: only --device's permissions let it open.
    assert.equal(await run(['--device', '/dev/loop-control:/dev/lc', 'busybox', 'sh', '-c', ': < /dev/lc && ls -l /dev/lc | cut -c1']), 'c');
    assert.equal(await run(['--device', '/dev/loop-control:/dev/lc:r', 'busybox', 'sh', '-c', ': < /dev/lc && echo ok']), 'ok');
    const r = await d.docker(['run', '--rm', '--device', '/dev/loop-control:/dev/lc:w', 'busybox', 'sh', '-c', ': < /dev/lc']);
    exitsWith(r, 1);
    includes(r.stderr, 'Operation not permitted', r);
    const name = uniq('nodev');
    const missing = await d.docker(['run', '--rm', '--name', name, '--device', '/dev/berth-no-such', 'busybox', 'true']);
    assert.notEqual(missing.code, 0);
    includes(missing.stderr, 'error gathering device information while adding custom device "/dev/berth-no-such": no such file or directory', missing);
    assert.equal(ok(await d.docker(['ps', '-aq', '--filter', `name=${name}`])), '');
  });

  it('--device-cgroup-rule allows a node the container makes itself', async () => {
    const denied = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'mknod /tmp/z c 10 237 && : < /tmp/z']);
    exitsWith(denied, 1);
    includes(denied.stderr, 'Operation not permitted', denied);
    assert.equal(await run(['--device-cgroup-rule', 'c 10:237 r', 'busybox', 'sh', '-c', 'mknod /tmp/z c 10 237 && : < /tmp/z && echo ok']), 'ok');
    await refused(['--device-cgroup-rule', 'x 1:5 r', 'busybox', 'true'], 'invalid');
  });

  it('--sysctl sets namespaced values; others and host namespaces are refused', async () => {
    assert.equal(await run(['--sysctl', 'net.ipv4.ip_forward=1', 'busybox', 'cat', '/proc/sys/net/ipv4/ip_forward']), '1');
    assert.equal(await run(['--sysctl', 'kernel.shmmax=1000000', 'busybox', 'cat', '/proc/sys/kernel/shmmax']), '1000000');
    await refused(['--sysctl', 'net.ipv4.ip_forward=1', '--network', 'host', 'busybox', 'true'], 'sysctl "net.ipv4.ip_forward" not allowed in host network namespace');
    await refused(['--sysctl', 'kernel.shmmax=1000', '--ipc', 'host', 'busybox', 'true'], 'sysctl "kernel.shmmax" is not allowed in the hosts ipc namespace');
    const res = await d.api({ method: 'POST', path: '/containers/create', body: { Image: 'busybox', Cmd: ['true'], HostConfig: { Sysctls: { 'vm.swappiness': '10' } } } });
    assert.equal(res.status, 400);
    assert.equal(res.json<{ message: string }>().message, "sysctl 'vm.swappiness=10' is not allowed");
    assert.ok(existsSync('/proc/sys/vm/swappiness'));
  });
});
