// A Docker volume plugin (Docker's VolumeDriver protocol on a UNIX socket) serving berth's volumes,
// driven by the real docker CLI: volume create -d, run --volume-driver, --mount volume-driver=,
// and what the plugin sees — Create, Mount with the container's id as ID, Unmount with the same,
// Remove — and the failures a user meets: a plugin that does not exist, a plugin refusing Mount.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, describeResult, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { fails, includes, lines, ok, uniq, waitFor } from '../helpers/assert.js';
import { startVolumePlugin, type TestVolumePlugin } from '../helpers/volume-plugin.js';

describe('compat: a Docker volume plugin', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  let plug: TestVolumePlugin;
  before(async () => {
    plug = await startVolumePlugin('testplug');
    d = await startDaemon({ args: ['--plugin-dir', plug.dir] });
  });
  after(async () => {
    await d?.stop();
    await plug?.close();
  });

  const idOf = async (name: string): Promise<string> => ok(await d.docker(['inspect', '-f', '{{.Id}}', name])).trim();
  const volumeNames = async (): Promise<string[]> => lines(ok(await d.docker(['volume', 'ls', '-q'])));
  const ids = (method: string, vol: string): string[] => plug.callsOf(method, vol).map((c) => String(c.body.ID));

  it('volume create -d testplug: the plugin creates it, ls and inspect show its driver, rm has the plugin remove it', async () => {
    const vol = uniq('v1');
    ok(await d.docker(['volume', 'create', '-d', 'testplug', '-o', 'size=10m', vol]));
    assert.deepEqual(plug.callsOf('Create', vol).map((c) => c.body), [{ Name: vol, Opts: { size: '10m' } }]);
    assert.equal(plug.callsOf('Create', vol)[0]!.accept, 'application/vnd.docker.plugins.v1.2+json');
    assert.ok((await stat(join(plug.root, vol))).isDirectory());
    includes(ok(await d.docker(['volume', 'ls', '--format', '{{.Driver}} {{.Name}}'])), `testplug ${vol}`);
    const [v] = JSON.parse(ok(await d.docker(['volume', 'inspect', vol]))) as Array<Record<string, unknown>>;
    assert.equal(v!.Driver, 'testplug');
    assert.equal(v!.Mountpoint, join(plug.root, vol));
    assert.deepEqual(v!.Options, { size: '10m' });
    // Creating it again with the default driver (the CLI sends "local") is Docker's conflict.
    const again = await d.docker(['volume', 'create', vol]);
    fails(again);
    includes(again.stderr, `create ${vol}: driver 'testplug' already has volume '${vol}'`, again);
    // As Docker: df sizes local volumes only, and prune leaves a plugin's volumes to it.
    assert.ok(!ok(await d.docker(['system', 'df', '-v'])).includes(vol));
    ok(await d.docker(['volume', 'prune', '-af']));
    assert.ok((await volumeNames()).includes(vol));
    assert.equal(plug.callsOf('Remove', vol).length, 0);
    ok(await d.docker(['volume', 'rm', vol]));
    assert.equal(plug.callsOf('Remove', vol).length, 1);
    assert.ok(!(await volumeNames()).includes(vol));
    await assert.rejects(stat(join(plug.root, vol)));
  });

  it('run --volume-driver: Create, Mount with the container id, Unmount with the same id when it exits; the data is the plugin\'s', async () => {
    const vol = uniq('pv');
    const name = uniq('pc');
    ok(await d.docker(['run', '--name', name, '--volume-driver', 'testplug', '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo hi > /data/f']));
    const id = await idOf(name);
    assert.equal(plug.callsOf('Create', vol).length, 1);
    assert.deepEqual(ids('Mount', vol), [id]);
    await waitFor('the Unmount at exit', async () => ids('Unmount', vol).length > 0);
    assert.deepEqual(ids('Unmount', vol), [id]);
    assert.equal(await readFile(join(plug.root, vol, 'f'), 'utf8'), 'hi\n');
    const [m] = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', name]))) as Array<Record<string, unknown>>;
    assert.equal(m!.Driver, 'testplug');
    assert.equal(m!.Name, vol);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.HostConfig.VolumeDriver}}', name])).trim(), 'testplug');
    // A later -v of the same name without --volume-driver uses the plugin's volume.
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${vol}:/in`, 'busybox', 'cat', '/in/f'])), 'hi\n');
    assert.equal(plug.callsOf('Create', vol).length, 1);
    ok(await d.docker(['rm', name]));
    ok(await d.docker(['volume', 'rm', vol]));
    assert.equal(plug.callsOf('Remove', vol).length, 1);
  });

  it('--mount volume-driver=testplug; two containers on one volume each Mount and Unmount with their own id', async () => {
    const vol = uniq('mv');
    const [a, b] = [uniq('ma'), uniq('mb')];
    const mount = `type=volume,src=${vol},dst=/d,volume-driver=testplug`;
    ok(await d.docker(['run', '-d', '--name', a, '--mount', mount, 'busybox', 'sh', '-c', 'echo a > /d/a; sleep 60']));
    ok(await d.docker(['run', '-d', '--name', b, '--mount', mount, 'busybox', 'sh', '-c', 'echo b > /d/b; sleep 60']));
    const [ida, idb] = [await idOf(a), await idOf(b)];
    assert.deepEqual(ids('Mount', vol).sort(), [ida, idb].sort());
    await waitFor('both files', async () => (await readFile(join(plug.root, vol, 'b'), 'utf8').catch(() => '')) === 'b\n');
    assert.equal(await readFile(join(plug.root, vol, 'a'), 'utf8'), 'a\n');
    ok(await d.docker(['stop', '-t', '0', a]));
    await waitFor('a\'s Unmount', async () => ids('Unmount', vol).length > 0);
    assert.deepEqual(ids('Unmount', vol), [ida]);
    ok(await d.docker(['rm', '-f', a, b]));
    await waitFor('b\'s Unmount', async () => ids('Unmount', vol).length > 1);
    assert.deepEqual(ids('Unmount', vol), [ida, idb]);
    ok(await d.docker(['volume', 'rm', vol]));
  });

  it('a container that kept running across a berthd restart keeps its Mount, and its stop Unmounts with its id', async () => {
    const vol = uniq('rv');
    const name = uniq('rc');
    ok(await d.docker(['run', '-d', '--name', name, '--volume-driver', 'testplug', '-v', `${vol}:/data`, 'busybox', 'sleep', '60']));
    const id = await idOf(name);
    await d.restart();
    assert.equal(ok(await d.docker(['volume', 'inspect', '-f', '{{.Driver}}', vol])).trim(), 'testplug');
    ok(await d.docker(['stop', '-t', '0', name]));
    await waitFor('the Unmount at stop', async () => ids('Unmount', vol).length > 0);
    assert.deepEqual(ids('Mount', vol), [id]);
    assert.deepEqual(ids('Unmount', vol), [id]);
    ok(await d.docker(['rm', name]));
    ok(await d.docker(['volume', 'rm', vol]));
  });

  it('an unknown volume driver: a clear error, exit 125, and no container or volume left behind', async () => {
    const vol = uniq('nv');
    const name = uniq('nc');
    const before = lines(ok(await d.docker(['ps', '-aq'])));
    for (const args of [['--volume-driver', 'nope', '-v', `${vol}:/data`], ['--mount', `type=volume,src=${vol},dst=/d,volume-driver=nope`]]) {
      const r = await d.docker(['run', '--name', name, ...args, 'busybox', 'true']);
      assert.equal(r.code, 125, describeResult(r));
      includes(r.stderr, 'error looking up volume plugin nope: plugin "nope" not found', r);
      // A 404 would have sent the CLI off to pull the image instead.
      assert.ok(!r.stderr.includes('Unable to find image'), describeResult(r));
      assert.deepEqual(lines(ok(await d.docker(['ps', '-aq']))), before);
      assert.ok(!(await volumeNames()).includes(vol));
    }
    const c = await d.docker(['volume', 'create', '-d', 'nope', vol]);
    assert.equal(c.code, 1, describeResult(c));
    includes(c.stderr, 'error looking up volume plugin nope: plugin "nope" not found', c);
    assert.ok(!(await volumeNames()).includes(vol));
  });

  it('a plugin refusing Mount: start fails with its text, the container stays, only what was mounted is unmounted', async () => {
    const [good, bad] = [uniq('good'), uniq('bad')];
    const name = uniq('fc');
    plug.failWith('Mount', 'tank is offline', { volume: bad });
    try {
      // --mount keeps its order (the CLI sends -v binds in Go's random map order), so `good` is mounted first.
      const vol = (src: string, dst: string): string[] => ['--mount', `type=volume,src=${src},dst=${dst},volume-driver=testplug`];
      const r = await d.docker(['run', '--name', name, ...vol(good, '/a'), ...vol(bad, '/b'), 'busybox', 'true']);
      fails(r);
      includes(r.stderr, 'tank is offline', r);
      const id = await idOf(name);
      assert.match(ok(await d.docker(['inspect', '-f', '{{.State.Status}}', name])).trim(), /^(created|exited)$/);
      assert.deepEqual(ids('Mount', bad), [id]);
      assert.deepEqual(ids('Unmount', bad), [], 'no Unmount for a Mount that failed');
      assert.deepEqual(ids('Mount', good), [id]);
      assert.deepEqual(ids('Unmount', good), [id], 'the volume mounted before the failure is released');
      // A plugin answering 500 (as go-plugins-helpers plugins do) gets Docker's "<method>: " prefix.
      plug.failWith('Mount', 'tank is still offline', { volume: bad, status: 500 });
      const s = await d.docker(['start', name]);
      fails(s);
      includes(s.stderr, 'VolumeDriver.Mount: tank is still offline', s);
      assert.deepEqual(ids('Unmount', good), [id, id]);
      plug.failWith('Mount', undefined);
      ok(await d.docker(['start', '-a', name]));
      await waitFor('the Unmounts after a good run', async () => ids('Unmount', bad).length === 1);
    } finally {
      plug.failWith('Mount', undefined);
      await d.docker(['rm', '-f', name]);
    }
    ok(await d.docker(['volume', 'rm', good, bad]));
  });

  it('a volume the plugin already had: ls lists it once the plugin is activated, inspect shows it, run --volume-driver reads its data', async () => {
    const seeded = uniq('seeded');
    const other = uniq('act');
    await plug.seed(seeded, { file: 'from before\n' });
    // Plugins are asked only once berth has activated them (by a use since it started).
    await d.restart();
    assert.ok(!(await volumeNames()).includes(seeded));
    ok(await d.docker(['volume', 'create', '-d', 'testplug', other]));
    const listed = lines(ok(await d.docker(['volume', 'ls', '--format', '{{.Driver}} {{.Name}}'])));
    assert.equal(listed.filter((l) => l === `testplug ${seeded}`).length, 1, listed.join('\n'));
    assert.equal(listed.filter((l) => l.endsWith(` ${other}`)).length, 1, 'a volume berth recorded is listed once, not again for the plugin');
    assert.deepEqual(lines(ok(await d.docker(['volume', 'ls', '-q', '--filter', 'driver=testplug']))).filter((n) => n === seeded), [seeded]);
    const [v] = JSON.parse(ok(await d.docker(['volume', 'inspect', seeded]))) as Array<Record<string, unknown>>;
    assert.equal(v!.Name, seeded);
    assert.equal(v!.Driver, 'testplug');
    assert.equal(v!.Mountpoint, join(plug.root, seeded));
    assert.equal(v!.Scope, 'local');
    assert.ok(!('CreatedAt' in v!), 'the plugin gave no CreatedAt');
    const missing = await d.docker(['volume', 'inspect', uniq('nosuch')]);
    fails(missing);
    includes(missing.stderr, 'no such volume', missing);
    assert.equal(ok(await d.docker(['run', '--rm', '--volume-driver', 'testplug', '-v', `${seeded}:/d`, 'busybox', 'cat', '/d/file'])), 'from before\n');
    // Now berth knows it: a plain -v of the name uses the plugin's volume too.
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${seeded}:/d`, 'busybox', 'cat', '/d/file'])), 'from before\n');
    assert.equal(ok(await d.docker(['volume', 'inspect', '-f', '{{.Driver}}', seeded])).trim(), 'testplug');
    ok(await d.docker(['volume', 'rm', seeded, other]));
    assert.ok(!(await volumeNames()).includes(seeded));
  });

  it('a plugin whose List fails: volume ls still answers with the volumes berth knows, and says which plugin failed', async () => {
    const mine = uniq('known');
    const theirs = uniq('theirs');
    ok(await d.docker(['volume', 'create', '-d', 'testplug', mine]));
    await plug.seed(theirs);
    plug.failWith('List', 'backend unreachable', { status: 500 });
    try {
      const names = await volumeNames();
      assert.ok(names.includes(mine), names.join('\n'));
      assert.ok(!names.includes(theirs), names.join('\n'));
      const r = await d.api({ path: '/volumes' });
      assert.equal(r.status, 200, r.body);
      const { Warnings } = r.json<{ Warnings: string[] | null }>();
      assert.ok(Warnings?.some((w) => w.includes('testplug') && w.includes('backend unreachable')), r.body);
    } finally {
      plug.failWith('List', undefined);
    }
    assert.ok((await volumeNames()).includes(theirs));
    ok(await d.docker(['volume', 'rm', mine]));
  });
});
