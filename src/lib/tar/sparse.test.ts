import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isInvalidArgument } from '../errors/index.js';
import { makeTar, needs } from './test-helpers.js';
import { unpackLayer } from './unpack-layer.js';

let base: string;
let n = 0;
async function fresh(): Promise<string> {
  const d = join(base, `s${n++}`);
  await mkdir(d, { recursive: true });
  return d;
}

const MiB = 1 << 20;

/** A 5 MiB file with two data regions and holes around them, made on disk so GNU tar sees the holes. */
async function sparseSource(dir: string): Promise<string> {
  const path = join(dir, 'sparse.bin');
  const fh = await open(path, 'w');
  await fh.write(Buffer.alloc(5000, 'A'), 0, 5000, MiB);
  await fh.write(Buffer.alloc(100, 'B'), 0, 100, 3 * MiB);
  await fh.truncate(5 * MiB);
  await fh.close();
  return path;
}

function gnuTar(dir: string, args: string[]): Buffer {
  const r = spawnSync('tar', ['-C', dir, '--sparse', ...args, '-cf', '-', 'sparse.bin'], { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr.toString()}`);
  return r.stdout;
}

async function assertSameSparse(got: string, want: string): Promise<void> {
  const [g, w] = [await stat(got), await stat(want)];
  assert.equal(g.size, w.size);
  assert.ok(g.blocks * 512 < g.size / 4, `holes kept as holes (${g.blocks} blocks for ${g.size} bytes)`);
  assert.ok((await readFile(got)).equals(await readFile(want)), 'same content');
}

function rejects(p: Promise<unknown>, message: RegExp): Promise<void> {
  return assert.rejects(p, (err: unknown) => isInvalidArgument(err) && message.test((err as Error).message));
}

describe('unpackLayer: sparse files', () => {
  before(async () => { base = await mkdtemp(join(tmpdir(), 'berth-sparse-')); });
  after(async () => { await rm(base, { recursive: true, force: true }); });

  for (const version of ['0.1', '1.0']) {
    it(`expands a PAX ${version} sparse file with its holes, size and content`, needs({ tools: ['tar'] }), async () => {
      const src = await fresh();
      const want = await sparseSource(src);
      const tar = gnuTar(src, ['--format=posix', `--sparse-version=${version}`]);
      const dest = await fresh();
      const r = await unpackLayer(Readable.from([tar]), dest);
      assert.deepEqual(await readdir(dest), ['sparse.bin'], 'no GNUSparseFile.<pid> directory');
      await assertSameSparse(join(dest, 'sparse.bin'), want);
      assert.equal(r.size, 5 * MiB);
    });
  }

  it('expands a PAX 0.0 sparse file with one data region', needs({ tools: ['tar'] }), async () => {
    const src = await fresh();
    const path = join(src, 'sparse.bin');
    const fh = await open(path, 'w');
    await fh.write(Buffer.alloc(8192, 'C'), 0, 8192, 2 * MiB);
    await fh.close();
    const dest = await fresh();
    await unpackLayer(Readable.from([gnuTar(src, ['--format=posix', '--sparse-version=0.0'])]), dest);
    await assertSameSparse(join(dest, 'sparse.bin'), path);
  });

  it('refuses PAX 0.0 sparse files with several regions and GNU old-style sparse entries, with the reason', needs({ tools: ['tar'] }), async () => {
    const src = await fresh();
    await sparseSource(src);
    await rejects(unpackLayer(Readable.from([gnuTar(src, ['--format=posix', '--sparse-version=0.0'])]), await fresh()), /PAX sparse format 0\.0 with 3 regions/);
    await rejects(unpackLayer(Readable.from([gnuTar(src, ['--format=gnu'])]), await fresh()), /unsupported entry type \(GNU old-style sparse/);
  });

  it('refuses sparse maps that overlap, run past the end or disagree with the data', async () => {
    const entry = (pax: Record<string, string>, body: string) => ({ name: 'GNUSparseFile.1/f', body, pax: { 'GNU.sparse.name': 'f', ...pax } });
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ 'GNU.sparse.size': '100', 'GNU.sparse.map': '0,10,5,10' }, 'x'.repeat(20), /overlap or exceed/],
      [{ 'GNU.sparse.size': '100', 'GNU.sparse.map': '95,10' }, 'x'.repeat(10), /overlap or exceed/],
      [{ 'GNU.sparse.size': '100', 'GNU.sparse.map': '0,10' }, 'x'.repeat(30), /describes 10 bytes of data, the entry holds 30/],
      [{ 'GNU.sparse.size': '100', 'GNU.sparse.map': '0,10,20' }, 'x'.repeat(10), /odd number/],
      [{ 'GNU.sparse.size': '-1', 'GNU.sparse.map': '0,1' }, 'x', /bad size/],
      [{ 'GNU.sparse.size': '100', 'GNU.sparse.map': '0,-1' }, 'x', /bad map entry/],
      [{ 'GNU.sparse.major': '2', 'GNU.sparse.minor': '0', 'GNU.sparse.realsize': '1' }, 'x', /unsupported sparse file format 2\.0/],
      [{ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.realsize': '100' }, '1\n0\n', /truncated map/],
      [{ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.realsize': '100' }, `99999999999\n${'0\n'.repeat(10)}`, /more than/],
    ];
    for (const [pax, body, message] of cases) {
      const dest = await fresh();
      await rejects(unpackLayer(Readable.from([await makeTar([entry(pax, body)])]), dest), message);
    }
  });

  it('refuses a sparse file larger than the filesystem can hold with a client error', async () => {
    const tar = await makeTar([{ name: 'GNUSparseFile.1/f', body: 'x', pax: { 'GNU.sparse.name': 'f', 'GNU.sparse.size': String(2 ** 52), 'GNU.sparse.map': '0,1' } }]);
    await assert.rejects(unpackLayer(Readable.from([tar]), await fresh()), (err: unknown) => isInvalidArgument(err));
  });
});
