import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { makeTar, needs, type TestEntry } from './test-helpers.js';
import { unpackLayer } from './unpack-layer.js';
import { makeOpaqueDirs, quoteAttrPath, WhiteoutMaker } from './whiteout.js';

let base: string;
let n = 0;
async function freshDir(): Promise<string> {
  const d = join(base, `w${n++}`);
  await mkdir(d, { recursive: true });
  return d;
}

async function isWhiteout(path: string): Promise<boolean> {
  const st = await lstat(path);
  return st.isCharacterDevice() && st.rdev === 0;
}

function opaqueAttr(path: string): string {
  const r = spawnSync('getfattr', ['-h', '--only-values', '-n', 'trusted.overlay.opaque', path], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

describe('whiteouts', () => {
  before(async () => { base = await mkdtemp(join(tmpdir(), 'berth-wh-')); });
  after(async () => { await rm(base, { recursive: true, force: true }); });

  it('quotes paths for a setfattr dump', () => {
    assert.equal(quoteAttrPath('/a b/c\\d\ne\u00e9'), '/a\\040b/c\\134d\\012e\\303\\251');
    assert.equal(quoteAttrPath('/plain/path-1.x'), '/plain/path-1.x');
  });

  it('links whiteouts to one node per batch of links, skips existing names and leaves no node behind', needs({ root: true }), async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'mine'), 'kept');
    const maker = new WhiteoutMaker(dir, 3);
    const names = Array.from({ length: 10 }, (_, i) => `gone${i}`);
    await maker.makeAll([...names, 'mine'].map((name) => join(dir, name)));
    await maker.close();
    assert.deepEqual((await readdir(dir)).sort(), [...names, 'mine'].sort());
    for (const name of names) {
      assert.ok(await isWhiteout(join(dir, name)), name);
      // Never more links than asked for: the node had 3 links at most (it is gone now).
      assert.ok((await lstat(join(dir, name))).nlink <= 3);
    }
    assert.equal(await readFile(join(dir, 'mine'), 'utf8'), 'kept');
  });

  it('marks many directories opaque in one go, odd names included, never through a symlink', needs({ root: true, tools: ['setfattr', 'getfattr'] }), async () => {
    const root = await freshDir();
    const victim = await freshDir();
    const odd = ['plain', 'with space', 'new\nline', 'back\\slash', 'caf\u00e9'];
    for (const name of odd) await mkdir(join(root, name));
    await mkdir(join(root, 'nested/deep'), { recursive: true });
    await symlink(victim, join(root, 'link'));
    const maker = new WhiteoutMaker(root);
    await makeOpaqueDirs(root, [...odd.map((o) => [o]), ['nested', 'deep'], ['link'], ['missing']], [], maker);
    for (const name of odd) assert.equal(opaqueAttr(join(root, name)), 'y', name);
    assert.equal(opaqueAttr(join(root, 'nested/deep')), 'y');
    assert.equal(opaqueAttr(victim), '');
  });

  it('unpacks a layer of 10,000 whiteouts and opaque dirs that an overlay mount honours', needs({ root: true }), async (t) => {
    const layer = await freshDir();
    const lower = await freshDir();
    const merged = await freshDir();
    const entries: TestEntry[] = [];
    for (let d = 0; d < 100; d++) {
      await mkdir(join(lower, `dir${d}`));
      await writeFile(join(lower, `dir${d}`, 'survivor'), 'still here');
      for (let f = 0; f < 100; f++) {
        await writeFile(join(lower, `dir${d}`, `f${f}`), 'hidden');
        entries.push({ name: `dir${d}/.wh.f${f}`, body: '' });
      }
    }
    await mkdir(join(lower, 'opq'));
    await writeFile(join(lower, 'opq/old'), 'hidden');
    entries.push({ name: 'opq/.wh..wh..opq', body: '' }, { name: 'opq/new', body: 'new' });
    const tar = await makeTar(entries);

    const started = process.hrtime.bigint();
    const r = await unpackLayer(Readable.from([tar]), layer, { lowerDirs: [lower] });
    t.diagnostic(`10,000 whiteouts unpacked in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
    assert.equal(r.entries, 10_002);
    assert.deepEqual((await readdir(layer)).filter((x) => !x.startsWith('dir')), ['opq']);
    assert.ok(await isWhiteout(join(layer, 'dir42/f42')));

    const mount = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${layer}:${lower}`, merged], { encoding: 'utf8' });
    assert.equal(mount.status, 0, mount.stderr);
    try {
      for (let d = 0; d < 100; d++) assert.deepEqual(await readdir(join(merged, `dir${d}`)), ['survivor']);
      assert.deepEqual(await readdir(join(merged, 'opq')), ['new']);
    } finally {
      spawnSync('umount', [merged]);
    }
  });
});
