// What load() makes of a volume root a crash left behind: removals cut short are finished,
// volumes whose metadata is missing or torn keep their data, and nothing is adopted silently.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalVolumeService } from './store.js';

const req = (name: string, labels: Record<string, string> = {}) => ({ name, driver: 'local', labels, options: {} });

describe('LocalVolumeService.load after a crash', () => {
  let root: string;
  let warnings: string[];
  const fresh = async (): Promise<LocalVolumeService> => {
    const svc = new LocalVolumeService(root, (m) => warnings.push(m));
    await svc.load();
    return svc;
  };
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vol-load-'));
    warnings = [];
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('deletes a removal renamed aside but not finished', async () => {
    const trash = join(root, '.gone.removing-0a1b2c3d');
    await mkdir(join(trash, '_data', 'deep'), { recursive: true });
    await writeFile(join(trash, '_data', 'deep', 'f'), 'x');
    await writeFile(join(trash, 'volume.json'), JSON.stringify({ name: 'gone', driver: 'local', createdAt: 'x', labels: {}, options: {} }));
    const svc = await fresh();
    assert.deepEqual(await readdir(root), []);
    assert.deepEqual(svc.list(), []);
    assert.deepEqual(warnings, []);
  });

  it('leaves other hidden entries alone', async () => {
    await mkdir(join(root, '.keep'));
    await fresh();
    assert.deepEqual(await readdir(root), ['.keep']);
  });

  it('a volume without metadata keeps its data as a plain local volume, said once', async () => {
    await mkdir(join(root, 'orphan', '_data'), { recursive: true });
    await writeFile(join(root, 'orphan', '_data', 'precious'), 'data');
    const svc = await fresh();
    const v = svc.get('orphan');
    assert.equal(v.mountpoint, join(root, 'orphan', '_data'));
    assert.equal(v.driver, 'local');
    assert.deepEqual([v.labels, v.options, v.anonymous], [{}, {}, false]);
    assert.match(v.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^volume orphan: no metadata; kept its data/);
    assert.equal(await readFile(join(v.mountpoint, 'precious'), 'utf8'), 'data');

    // The rebuilt metadata is written: the next start finds a normal volume and says nothing.
    warnings = [];
    const again = await fresh();
    assert.deepEqual(again.get('orphan'), v);
    assert.deepEqual(warnings, []);
    // A create of the name is the existing volume, not a new one over old files.
    assert.deepEqual(await again.create(req('orphan', { new: 'label' })), v);
  });

  for (const [what, text] of [
    ['torn', '{"name":"torn","driver":"lo'],
    ['empty', ''],
    ['of another volume', JSON.stringify({ name: 'other', driver: 'local', createdAt: '2026-01-01T00:00:00Z', labels: {}, options: {} })],
    ['missing fields', JSON.stringify({ name: 'torn' })],
    ['null', 'null'],
  ] as const) {
    it(`metadata ${what}: the data is kept, the bad file set aside`, async () => {
      await mkdir(join(root, 'torn', '_data'), { recursive: true });
      await writeFile(join(root, 'torn', '_data', 'f'), 'keep me');
      await writeFile(join(root, 'torn', 'volume.json'), text);
      const svc = await fresh();
      assert.deepEqual(svc.list().map((v) => v.name), ['torn']);
      assert.match(warnings.join('\n'), /^volume torn: unreadable metadata: .*; kept its data as a local volume without labels or options$/);
      assert.equal(await readFile(join(root, 'torn', 'volume.json.unreadable'), 'utf8'), text);
      assert.equal(JSON.parse(await readFile(join(root, 'torn', 'volume.json'), 'utf8')).name, 'torn');
      assert.equal(await readFile(join(svc.get('torn').mountpoint, 'f'), 'utf8'), 'keep me');
    });
  }

  it('a directory with neither metadata nor _data is skipped, and a create there starts empty', async () => {
    await mkdir(join(root, 'stray'));
    const svc = await fresh();
    assert.deepEqual(svc.list(), []);
    assert.match(warnings[0]!, /^volume stray: skipped, no metadata and no _data directory$/);
    const v = await svc.create(req('stray'));
    assert.deepEqual(await readdir(v.mountpoint), []);
  });

  it('drops temp files of a metadata write cut short and keeps the metadata it replaced', async () => {
    const first = await fresh();
    const v = await first.create(req('kept', { a: 'b' }));
    await writeFile(join(root, 'kept', '.volume.json.0123456789ab.tmp'), '{"half');
    const svc = await fresh();
    assert.deepEqual(svc.get('kept'), v);
    assert.deepEqual((await readdir(join(root, 'kept'))).sort(), ['_data', 'volume.json']);
    assert.deepEqual(warnings, []);
  });

  it('a volume removed by the service leaves nothing for load to find', async () => {
    const first = await fresh();
    await first.create(req('bye'));
    await first.remove('bye');
    assert.deepEqual((await fresh()).list(), []);
    assert.deepEqual(await readdir(root), []);
  });
});
