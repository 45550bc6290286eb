// docker cp and the archive endpoints through the real docker CLI against berthd: both
// directions, stopped containers, Docker's errors, hostile archives, and a container that
// swaps a symlink between a directory and "/" while cp runs (CVE-2018-15664 class).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tarStream from 'tar-stream';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, ok, waitFor } from '../helpers/assert.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'block-device'; body?: string; linkname?: string };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    if ((e.type ?? 'file') === 'file') pack.entry({ name: e.name, mode: 0o644 }, e.body ?? 'x');
    else pack.entry({ name: e.name, type: e.type, linkname: e.linkname, mode: 0o755, devmajor: 8, devminor: 0 });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('compat: docker cp', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  let dir: string;
  let canary: string;
  before(async () => {
    d = await startDaemon();
    dir = await mkdtemp(join(tmpdir(), 'berth-cp-'));
    // The canary sits on the host at a path that a container escaping through "/" would reach.
    canary = join(dir, 'canary');
    await mkdir(canary);
    await writeFile(join(canary, 'secret'), 'HOST-SECRET');
    ok(await d.docker(['run', '-d', '--name', 'cp1', 'busybox', 'sh', '-c', 'mkdir -p /d/sub; echo a > /d/a; echo b > /d/sub/b; ln -s /d /lnk; ln -s /tmp /t; exec sleep 600']));
  });
  after(async () => {
    await d?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('copies a file in and back out', async () => {
    await writeFile(join(dir, 'in.txt'), 'hello cp\n');
    ok(await d.docker(['cp', join(dir, 'in.txt'), 'cp1:/tmp/']));
    ok(await d.docker(['cp', 'cp1:/tmp/in.txt', join(dir, 'out.txt')]));
    assert.equal(await readFile(join(dir, 'out.txt'), 'utf8'), 'hello cp\n');
  });

  it('copies a directory out with its name as the top entry, and "dir/." as contents', async () => {
    ok(await d.docker(['cp', 'cp1:/d', join(dir, 'd1')]));
    assert.deepEqual((await readdir(join(dir, 'd1'))).sort(), ['a', 'sub']);
    assert.equal(await readFile(join(dir, 'd1/sub/b'), 'utf8'), 'b\n');
    await mkdir(join(dir, 'd2'));
    ok(await d.docker(['cp', 'cp1:/d/.', join(dir, 'd2')]));
    assert.deepEqual((await readdir(join(dir, 'd2'))).sort(), ['a', 'sub']);
  });

  it('follows a symlink in the destination inside the container (ln -s /tmp /t)', async () => {
    await writeFile(join(dir, 'via.txt'), 'via\n');
    ok(await d.docker(['cp', join(dir, 'via.txt'), 'cp1:/t']));
    ok(await d.docker(['cp', 'cp1:/tmp/via.txt', join(dir, 'via-out.txt')]));
    assert.equal(await readFile(join(dir, 'via-out.txt'), 'utf8'), 'via\n');
  });

  it('berth cp copies both ways, "-" streams a tar, -L follows a link', async () => {
    await writeFile(join(dir, 'b.txt'), 'berth cp\n');
    ok(await d.berth(['cp', join(dir, 'b.txt'), 'cp1:/tmp/b.txt']));
    ok(await d.berth(['cp', 'cp1:/tmp/b.txt', join(dir, 'b-out.txt')]));
    assert.equal(await readFile(join(dir, 'b-out.txt'), 'utf8'), 'berth cp\n');
    await mkdir(join(dir, 'bl'));
    ok(await d.berth(['cp', '-L', 'cp1:/lnk', join(dir, 'bl', 'followed')]));
    assert.deepEqual((await readdir(join(dir, 'bl', 'followed'))).sort(), ['a', 'sub']);
    const tar = await tarOf([{ name: 'from-stdin', body: 'stdin' }]);
    ok(await d.berth(['cp', '-', 'cp1:/tmp'], { input: tar }));
    ok(await d.docker(['cp', 'cp1:/tmp/from-stdin', join(dir, 'from-stdin')]));
    assert.equal(await readFile(join(dir, 'from-stdin'), 'utf8'), 'stdin');
    const r = await d.berth(['cp', 'cp1:/dne', join(dir, 'x')]);
    exitsWith(r, 1);
    includes(r.stderr, 'Could not find the file /dne in container cp1', r);
  });

  it('describes a symlink with X-Docker-Container-Path-Stat', async () => {
    const r = await d.api({ method: 'HEAD', path: '/containers/cp1/archive?path=/lnk' });
    assert.equal(r.status, 200);
    const st = JSON.parse(Buffer.from(String(r.headers['x-docker-container-path-stat']), 'base64').toString()) as Record<string, unknown>;
    assert.equal(st.name, 'lnk');
    assert.equal(st.linkTarget, '/d');
    assert.equal(st.mode, 2 ** 27 + 0o777);
  });

  it("answers Docker's errors", async () => {
    let r = await d.docker(['cp', 'cp1:/dne', join(dir, 'x')]);
    exitsWith(r, 1);
    includes(r.stderr, 'Could not find the file /dne in container cp1', r);
    await writeFile(join(dir, 'e.txt'), 'e');
    r = await d.docker(['cp', join(dir, 'e.txt'), 'cp1:/etc/passwd/x']);
    exitsWith(r, 1);
    includes(r.stderr, 'extraction point is not a directory', r);
    const put = await d.api({ method: 'PUT', path: '/containers/cp1/archive?path=/dne', body: await tarOf([{ name: 'f' }]), headers: { 'content-type': 'application/x-tar' } });
    assert.equal(put.status, 404);
    const nul = await d.api({ method: 'HEAD', path: '/containers/cp1/archive?path=/a%00b' });
    assert.equal(nul.status, 400);
  });

  it('refuses hostile archives, leaves nothing half-made and never writes to the host', async () => {
    const cases: Array<[string, Entry[]]> = [
      ['dotdot', [{ name: 'ok1' }, { name: `../../../../../..${canary}/evil` }]],
      ['hardlink out', [{ name: 'h', type: 'link', linkname: `../../../../../..${canary}/secret` }]],
      ['device', [{ name: 'sda', type: 'block-device' }]],
    ];
    for (const [what, entries] of cases) {
      const r = await d.api({ method: 'PUT', path: '/containers/cp1/archive?path=/tmp', body: await tarOf(entries), headers: { 'content-type': 'application/x-tar' } });
      assert.equal(r.status, 400, `${what}: ${r.body}`);
      assert.ok(JSON.parse(r.body).message, what);
    }
    // Contained rather than refused: a symlink to a host-looking path is followed inside the container.
    const r = await d.api({ method: 'PUT', path: '/containers/cp1/archive?path=/tmp', body: await tarOf([{ name: 'esc', type: 'symlink', linkname: '/' }, { name: 'esc/tmp/contained' }]), headers: { 'content-type': 'application/x-tar' } });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(await readdir(canary), ['secret']);
    const ls = await d.api({ method: 'HEAD', path: '/containers/cp1/archive?path=/tmp/ok1' });
    assert.equal(ls.status, 404, 'the entry before the bad one was removed again');
    assert.equal((await d.api({ method: 'HEAD', path: '/containers/cp1/archive?path=/tmp/contained' })).status, 200);
  });

  it('copies into and out of a stopped container, and releases its rootfs', async () => {
    const id = ok(await d.docker(['create', '--name', 'cp2', 'busybox', 'true'])).trim();
    await writeFile(join(dir, 's.txt'), 'stopped\n');
    ok(await d.docker(['cp', join(dir, 's.txt'), 'cp2:/s.txt']));
    ok(await d.docker(['cp', 'cp2:/s.txt', join(dir, 's-out.txt')]));
    assert.equal(await readFile(join(dir, 's-out.txt'), 'utf8'), 'stopped\n');
    await waitFor('the rootfs unmounted', async () => !(await readFile('/proc/self/mountinfo', 'utf8')).includes(id), 5_000);
  });

  it('a read-only rootfs is refused with 403', async () => {
    ok(await d.docker(['run', '-d', '--read-only', '--name', 'cp3', 'busybox', 'sleep', '600']));
    const r = await d.api({ method: 'PUT', path: '/containers/cp3/archive?path=/', body: await tarOf([{ name: 'f' }]), headers: { 'content-type': 'application/x-tar' } });
    assert.equal(r.status, 403, r.body);
    includes(r.body, 'container rootfs is marked read-only');
  });

  it('never reaches the host while the container swaps a symlink between a directory and "/"', async () => {
    ok(await d.docker(['run', '-d', '--name', 'race', 'busybox', 'sh', '-c',
      `while :; do rm -rf /w; mkdir -p /w${canary}; echo inside > /w${canary}/secret; rm -rf /w; ln -s / /w; done`]));
    await writeFile(join(dir, 'payload'), 'PAYLOAD');
    for (let i = 0; i < 12; i++) {
      // A tree changing under the copy may cut the stream short; it must never carry host data.
      const out = await d.api({ path: `/containers/race/archive?path=/w${canary}/secret` }).catch(() => null);
      assert.ok(!out?.body.includes('HOST-SECRET'), 'host file content came back');
      await d.docker(['cp', join(dir, 'payload'), `race:/w${canary}/`]);
      const put = await d.api({ method: 'PUT', path: `/containers/race/archive?path=/w${canary}`, body: await tarOf([{ name: 'evil', body: 'EVIL' }]), headers: { 'content-type': 'application/x-tar' } });
      assert.ok([200, 400, 404].includes(put.status), `${put.status} ${put.body}`);
    }
    assert.deepEqual(await readdir(canary), ['secret']);
    assert.equal(await readFile(join(canary, 'secret'), 'utf8'), 'HOST-SECRET');
    ok(await d.docker(['rm', '-f', 'race']));
  });
});
