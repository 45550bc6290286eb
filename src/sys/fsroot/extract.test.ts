import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import tarStream from 'tar-stream';
import { extractTar } from './extract.js';
import { parseContainerPath } from './path-rules.js';
import { statPath } from './path-stat.js';
import { PinnedRoot } from './root.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; body?: string; linkname?: string };

async function tarOf(entries: Entry[]): Promise<Readable> {
  const pack = tarStream.pack();
  for (const e of entries) {
    if ((e.type ?? 'file') === 'file') pack.entry({ name: e.name, mode: 0o644 }, e.body ?? 'x');
    else pack.entry({ name: e.name, type: e.type, linkname: e.linkname, mode: 0o755 });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Readable.from([Buffer.concat(chunks)]);
}

// The go-archive breakout corpus, against a "container root" beside a victim dir on the host.
describe('extractTar inside a pinned root', () => {
  let base: string;
  let rootDir: string;
  let root: PinnedRoot;
  const opts = { noOverwriteDirNonDir: false, owner: null };
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'berth-fsroot-'));
    rootDir = join(base, 'root');
    await mkdir(join(rootDir, 'dest'), { recursive: true });
    await mkdir(join(base, 'victim'));
    await writeFile(join(base, 'victim', 'hello'), 'victim');
    // Planted by the "container": absolute and relative links that point at the host on a naive walk.
    await symlink('/', join(rootDir, 'dest', 'abs'));
    await symlink('../../victim', join(rootDir, 'dest', 'rel'));
    root = PinnedRoot.open(rootDir);
  });
  after(async () => {
    root?.close();
    await rm(base, { recursive: true, force: true });
  });
  const victimIntact = async (): Promise<void> => {
    assert.deepEqual(await readdir(join(base, 'victim')), ['hello']);
    assert.equal(await readFile(join(base, 'victim', 'hello'), 'utf8'), 'victim');
  };

  for (const [what, entries] of [
    ['../ names', [{ name: '../victim/dotdot' }]],
    ['/../ names', [{ name: '/../victim/slash-dotdot' }]],
    ['hardlink out', [{ name: 'grab', type: 'link', linkname: '../victim/hello' }]],
  ] as Array<[string, Entry[]]>) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(extractTar(root, '/dest', await tarOf(entries), opts), /breakout/);
      await victimIntact();
    });
  }

  it('contains writes through planted symlinks, absolute and relative', async () => {
    await extractTar(root, '/dest', await tarOf([{ name: 'abs/victim/x', body: 'in' }, { name: 'rel/y', body: 'in' }]), opts);
    await victimIntact();
    assert.equal(await readFile(join(rootDir, 'victim', 'x'), 'utf8'), 'in');
  });

  it('contains a symlink from the archive followed by a file through it (L-21 style)', async () => {
    await extractTar(root, '/dest', await tarOf([
      { name: 'inner/', type: 'directory' },
      { name: 'inner/go_up', type: 'symlink', linkname: '..' },
      { name: 'inner/go_up/escape', type: 'symlink', linkname: '../../victim' },
      { name: 'inner/go_up/escape/newfile', body: 'n' },
    ]), opts);
    await victimIntact();
    assert.equal(await readlink(join(rootDir, 'dest', 'escape')), '../../victim');
  });

  it('undoes what it created when a later entry fails', async () => {
    await assert.rejects(extractTar(root, '/dest', await tarOf([{ name: 'made/a' }, { name: '../x' }]), opts));
    assert.ok(!(await readdir(join(rootDir, 'dest'))).includes('made'));
  });

  it('refuses to replace a directory with a file under noOverwriteDirNonDir', async () => {
    await mkdir(join(rootDir, 'dest', 'adir'));
    await assert.rejects(extractTar(root, '/dest', await tarOf([{ name: 'adir' }]), { ...opts, noOverwriteDirNonDir: true }), /cannot overwrite directory/);
  });

  it('stats a symlink without following it, with its in-root target', async () => {
    const st = await statPath(root, parseContainerPath('/dest/abs'));
    assert.equal(st.linkTarget, '/');
    const rel = await statPath(root, parseContainerPath('/dest/rel'));
    assert.equal(rel.linkTarget, '/victim');
  });
});
