import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isInvalidArgument } from '../errors/index.js';
import { TarRewriter } from './tar-rewriter.js';
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

  const formats: Array<[string, string[]]> = [
    ['old-style GNU', ['--format=gnu']],
    ['PAX 0.0', ['--format=posix', '--sparse-version=0.0']],
    ['PAX 0.1', ['--format=posix', '--sparse-version=0.1']],
    ['PAX 1.0', ['--format=posix', '--sparse-version=1.0']],
  ];
  for (const [label, args] of formats) {
    it(`expands a ${label} sparse file with its holes, size and content`, needs({ tools: ['tar'] }), async () => {
      const src = await fresh();
      const want = await sparseSource(src);
      const dest = await fresh();
      const r = await unpackLayer(Readable.from([gnuTar(src, args)]), dest);
      assert.deepEqual(await readdir(dest), ['sparse.bin'], 'no GNUSparseFile.<pid> directory');
      await assertSameSparse(join(dest, 'sparse.bin'), want);
      assert.equal(r.size, 5 * MiB);
    });

    it(`expands a ${label} sparse file of many regions and reads the entries after it`, needs({ tools: ['tar'] }), async () => {
      const src = await fresh();
      const want = join(src, 'sparse.bin');
      const fh = await open(want, 'w');
      // 30 regions: old-style GNU needs extension blocks after the header for all but 4.
      for (let i = 0; i < 30; i++) await fh.write(Buffer.alloc(1000 + i, 65 + (i % 26)), 0, 1000 + i, i * 100_000);
      await fh.truncate(3_100_000);
      await fh.close();
      const long = `${'x'.repeat(90)}/${'y'.repeat(90)}`;
      await mkdir(join(src, long), { recursive: true });
      await writeFile(join(src, long, 'after.txt'), 'after');
      const tar = spawnSync('tar', ['-C', src, '--sparse', ...args, '-cf', '-', 'sparse.bin', 'x'.repeat(90)], { maxBuffer: 1 << 26 });
      assert.equal(tar.status, 0, tar.stderr.toString());
      const dest = await fresh();
      await unpackLayer(Readable.from([tar.stdout]), dest);
      await assertSameSparse(join(dest, 'sparse.bin'), want);
      assert.equal(await readFile(join(dest, long, 'after.txt'), 'utf8'), 'after');
    });
  }

  it('passes archives without old-style sparse entries through unchanged', async () => {
    const tar = await makeTar([
      { name: 'd/', type: 'directory' },
      { name: `${'n'.repeat(120)}/f`, body: 'long name' },
      { name: 'p', body: 'pax', pax: { 'GNU.sparse.name': 'p', 'GNU.sparse.size': '3', 'GNU.sparse.map': '0,3' } },
      { name: 'l', type: 'symlink', linkname: 'x'.repeat(200) },
    ]);
    const out: Buffer[] = [];
    const norm = new TarRewriter();
    norm.on('data', (c: Buffer) => out.push(c));
    // Odd chunk sizes: headers and bodies arrive split.
    for (let i = 0; i < tar.length; i += 77) norm.write(tar.subarray(i, i + 77));
    await new Promise((resolve) => norm.end(resolve));
    assert.ok(Buffer.concat(out).equals(tar));
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

  it('refuses an old-style GNU sparse map whose regions go backwards', needs({ tools: ['tar'] }), async () => {
    const src = await fresh();
    await sparseSource(src);
    const tar = gnuTar(src, ['--format=gnu']);
    assert.equal(tar[156], 'S'.charCodeAt(0));
    tar.write('00000000000\0', 386 + 24, 'latin1');
    tar.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += tar[i]!;
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const dest = await fresh();
    await rejects(unpackLayer(Readable.from([tar]), dest), /overlap or exceed/);
  });

  it('refuses a sparse file larger than the filesystem can hold with a client error', async () => {
    const tar = await makeTar([{ name: 'GNUSparseFile.1/f', body: 'x', pax: { 'GNU.sparse.name': 'f', 'GNU.sparse.size': String(2 ** 52), 'GNU.sparse.map': '0,1' } }]);
    await assert.rejects(unpackLayer(Readable.from([tar]), await fresh()), (err: unknown) => isInvalidArgument(err));
  });
});
