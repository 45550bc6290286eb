// Local volumes with a device (`volume create -o type=… -o device=… -o o=…`) through the real
// docker CLI: mounted on the volume's directory at the first user's start, unmounted after the
// last user's stop, kept across a berthd kill -9, and never deleted through at `volume rm`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, describeResult, mountsUnder, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { includes, ok, uniq, waitFor } from '../helpers/assert.js';
import { tmpParent } from '../helpers/paths.js';

describe('compat: local volumes with -o type/device/o', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  let hostDir: string;
  before(async () => {
    d = await startDaemon();
    hostDir = mkdtempSync(join(tmpParent, 'berth-vol-bind-'));
  });
  after(async () => {
    await d?.stop();
    rmSync(hostDir, { recursive: true, force: true });
  });

  const mountpointOf = async (vol: string): Promise<string> => ok(await d.docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
  const mounted = (mp: string): boolean => mountsUnder(mp).includes(mp);

  it('a tmpfs volume is mounted with its options for the container and unmounted after', async () => {
    const vol = uniq('tmpfs');
    ok(await d.docker(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m,uid=1000', vol]));
    const opts = JSON.parse(ok(await d.docker(['volume', 'inspect', '-f', '{{json .Options}}', vol]))) as Record<string, string>;
    assert.deepEqual(opts, { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,uid=1000' });
    const out = ok(await d.docker(['run', '--rm', '-v', `${vol}:/data`, 'busybox', 'sh', '-c', "stat -c %u /data; df -k /data | tail -1 | awk '{print $1, $2}'"]));
    assert.equal(out, '1000\ntmpfs 1024\n');
    assert.equal(mounted(await mountpointOf(vol)), false, 'unmounted once its only user is gone');
  });

  it('a bind volume shows the host directory, and volume rm leaves that directory alone', async () => {
    writeFileSync(join(hostDir, 'from-host'), 'hello\n');
    const vol = uniq('bindvol');
    ok(await d.docker(['volume', 'create', '--driver', 'local', '-o', 'type=none', '-o', 'o=bind', '-o', `device=${hostDir}`, vol]));
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'cat /data/from-host; echo back > /data/from-ctr'])), 'hello\n');
    assert.equal(readFileSync(join(hostDir, 'from-ctr'), 'utf8'), 'back\n');
    ok(await d.docker(['volume', 'rm', vol]));
    assert.equal(readFileSync(join(hostDir, 'from-host'), 'utf8'), 'hello\n');
    assert.equal(readFileSync(join(hostDir, 'from-ctr'), 'utf8'), 'back\n');
  });

  it('the mount stays while any container uses it and goes with the last', async () => {
    const vol = uniq('shared');
    ok(await d.docker(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', vol]));
    const a = uniq('a');
    ok(await d.docker(['run', '-d', '--name', a, '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo a > /data/a; sleep 600']));
    const mp = await mountpointOf(vol);
    assert.equal(mounted(mp), true);
    // A second user shares the first one's tmpfs, and its exit does not unmount it.
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${vol}:/d`, 'busybox', 'cat', '/d/a'])), 'a\n');
    assert.equal(mounted(mp), true);
    ok(await d.docker(['rm', '-f', a]));
    await waitFor('the unmount', async () => !mounted(mp));
  });

  it('a running container keeps its device volume across a berthd kill -9, and its stop unmounts it', async () => {
    const vol = uniq('crash');
    ok(await d.docker(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', vol]));
    const c = uniq('crash-c');
    ok(await d.docker(['run', '-d', '--name', c, '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo kept > /data/f; sleep 600']));
    const mp = await mountpointOf(vol);
    await waitFor('the write', async () => (await d.docker(['exec', c, 'cat', '/data/f'])).stdout === 'kept\n');
    await d.kill9();
    await d.restart();
    assert.equal(ok(await d.docker(['exec', c, 'cat', '/data/f'])), 'kept\n');
    // A new user after the restart sees the same mount.
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${vol}:/d`, 'busybox', 'cat', '/d/f'])), 'kept\n');
    assert.equal(mounted(mp), true);
    ok(await d.docker(['stop', '-t', '1', c]));
    await waitFor('the unmount', async () => !mounted(mp));
  });

  it('bad options are refused at create with Docker\'s words, and a failing mount fails the start cleanly', async () => {
    let r = await d.docker(['volume', 'create', '-o', 'foo=bar', uniq('bad')]);
    assert.notEqual(r.code, 0);
    includes(r.stderr, 'invalid option key: "foo"', r);
    r = await d.docker(['volume', 'create', '-o', 'type=tmpfs', uniq('bad')]);
    includes(r.stderr, 'missing required option: "device"', r);
    r = await d.docker(['volume', 'create', '-o', 'device=tmpfs', uniq('bad')]);
    includes(r.stderr, 'missing required option: "type"', r);

    const vol = uniq('nodev');
    ok(await d.docker(['volume', 'create', '-o', 'type=none', '-o', 'o=bind', '-o', `device=${join(hostDir, 'missing')}`, vol]));
    const c = uniq('nodev-c');
    r = await d.docker(['run', '--name', c, '-v', `${vol}:/data`, 'busybox', 'true']);
    assert.notEqual(r.code, 0, describeResult(r));
    includes(r.stderr, 'error while mounting volume', r);
    assert.equal(mounted(await mountpointOf(vol)), false);
    ok(await d.docker(['rm', c]));
    ok(await d.docker(['volume', 'rm', vol]));
  });
});
