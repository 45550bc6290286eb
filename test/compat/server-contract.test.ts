// The wire contract as real clients see it: defects found by probing berthd, Docker's answers
// for what berth does not do yet, and the answer shapes that depend on the API version.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, ok, uniq } from '../helpers/assert.js';

/** Writes raw bytes to the daemon's socket and returns everything it answers until it closes. */
function rawExchange(socket: string, data: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const c = connect(socket, () => c.write(data));
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString())}`));
    }, timeoutMs);
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
    c.on('error', () => {});
  });
}

describe('compat: the server side of the wire contract', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('answers a request target the URL parser refuses with a JSON 400 and closes, over the real socket', async () => {
    for (const target of ['//[', 'http://[/_ping']) {
      const out = await rawExchange(d.socket, `GET ${target} HTTP/1.1\r\nHost: docker\r\n\r\n`);
      assert.match(out, /^HTTP\/1\.1 400 /, out);
      assert.match(out, /\r\n\r\n\{"message":"invalid request target: .*"\}$/, out);
    }
    assert.equal((await d.api({ path: '/_ping' })).body, 'OK');
  });

  it('docker run -e NAME of a variable the client lacks runs, with NAME unset', async () => {
    const name = uniq('unsetenv');
    const r = await d.docker(['run', '--rm', '--name', name, '-e', 'BERTH_SURELY_UNSET_VAR', 'busybox', 'sh', '-c', 'echo "${BERTH_SURELY_UNSET_VAR-unset}"']);
    assert.equal(ok(r), 'unset\n');
  });

  it('docker system prune completes and reports what it removed', async () => {
    const name = uniq('prunable');
    ok(await d.docker(['create', '--name', name, 'busybox', 'true']));
    const r = await d.docker(['system', 'prune', '-f']);
    const out = ok(r);
    includes(out, 'Deleted Containers:', r);
    includes(out, /Total reclaimed space: /, r);
    exitsWith(await d.docker(['inspect', '--type', 'container', name]), 1);
    ok(await d.docker(['network', 'prune', '-f']));
    ok(await d.docker(['volume', 'prune', '-f']));
    ok(await d.docker(['builder', 'prune', '-f']));
  });

  it('--volumes-from a container without volumes runs', async () => {
    const source = uniq('volsrc');
    ok(await d.docker(['create', '--name', source, 'busybox', 'true']));
    ok(await d.docker(['run', '--rm', '--volumes-from', source, 'busybox', 'true']));
  });

  it('refuses create values Docker refuses, leaving nothing behind', async () => {
    const count = async (): Promise<number> => (await d.api({ path: '/containers/json?all=1' })).json<unknown[]>().length;
    const before = await count();
    const bodies: Array<[unknown, RegExp]> = [
      [{ Image: 'busybox', ExposedPorts: [1] }, /invalid JSON/],
      [{ Image: 'busybox', StopSignal: 'SIGBOGUS' }, /^Invalid signal: SIGBOGUS$/],
      [{ Image: 'busybox', HostConfig: { CpusetMems: 'a' } }, /^Invalid value a for cpuset mems$/],
      [{ Image: 'busybox', Healthcheck: { Test: ['CMD', 'true'], Interval: 1 } }, /^Interval in Healthcheck cannot be less than 1ms$/],
      [{ Image: 'busybox', HostConfig: { StorageOpt: { size: '1G' } } }, /supported only for overlay over xfs with 'pquota'/],
    ];
    for (const [body, message] of bodies) {
      const r = await d.api({ method: 'POST', path: '/v1.50/containers/create', body });
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.body}`);
      assert.match(r.json<{ message: string }>().message, message);
    }
    const r = await d.docker(['run', '--rm', '--stop-signal', 'SIGBOGUS', 'busybox', 'true']);
    exitsWith(r, 125);
    includes(r.stderr, 'Invalid signal: SIGBOGUS', r);
    assert.equal(await count(), before);
  });

  it('a device cgroup rule reaches the container\'s device rules', async () => {
    const r = await d.docker(['run', '--rm', '--device-cgroup-rule', 'c 42:* rmw', 'busybox', 'cat', '/sys/fs/cgroup/devices/devices.list']);
    includes(ok(r), /^c 42:\* rwm$/m, r);
  });

  it('image inspect carries ContainerConfig for API 1.41 clients and not for 1.50 ones', async () => {
    const old = (await d.api({ path: '/v1.41/images/busybox/json' })).json<Record<string, unknown>>();
    assert.equal(typeof old.ContainerConfig, 'object', JSON.stringify(old));
    assert.equal(old.Container, '');
    assert.equal(typeof old.VirtualSize, 'number');
    const now = (await d.api({ path: '/v1.50/images/busybox/json' })).json<Record<string, unknown>>();
    assert.equal('ContainerConfig' in now, false);
    assert.equal('VirtualSize' in now, false);
    assert.equal('Hostname' in (now.Config as object), false);
  });

  it('container inspect always carries Docker\'s default fields, and MacAddress for old clients', async () => {
    const name = uniq('defaults');
    ok(await d.docker(['create', '--name', name, 'busybox', 'true']));
    for (const v of ['1.41', '1.50']) {
      const c = (await d.api({ path: `/v${v}/containers/${name}/json` })).json<{ HostConfig: Record<string, unknown>; Config: Record<string, unknown> }>();
      assert.equal(c.HostConfig.IpcMode, 'private', v);
      assert.equal(c.HostConfig.PidMode, '', v);
      assert.equal(c.HostConfig.UsernsMode, '', v);
      assert.equal(c.HostConfig.Privileged, false, v);
      assert.equal(c.HostConfig.ShmSize, 67108864, v);
      assert.equal(c.Config.Domainname, '', v);
      assert.equal('MacAddress' in c.Config, v === '1.41', v);
    }
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.HostConfig.IpcMode}} {{.HostConfig.Privileged}}', name])).trim(), 'private false');
  });

  it('docker info prints live restore, security options, the runc version and the insecure registries', async () => {
    const r = await d.docker(['info']);
    const out = ok(r);
    includes(out, 'Live Restore Enabled: false', r);
    includes(out, /Security Options:\n\s+seccomp\n\s+Profile: builtin/, r);
    includes(out, /runc version: \S+/, r);
    includes(out, /Insecure Registries:\n\s+::1\/128\n\s+127\.0\.0\.0\/8/, r);
  });
});
