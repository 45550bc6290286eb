import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isInvalidArgument } from '../errors/index.js';
import { makeTar, needs } from './test-helpers.js';
import { unpackLayer } from './unpack-layer.js';

// Small deterministic generator, so a failure names a seed that reproduces it.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(base: Buffer, seed: number): Buffer {
  const r = rng(seed);
  const out = Buffer.from(base);
  if (r() < 0.2) return out.subarray(0, Math.floor(r() * out.length));
  const flips = 1 + Math.floor(r() * 8);
  // Mostly the header blocks, where the parsers make decisions.
  const span = Math.min(out.length, 4096);
  for (let i = 0; i < flips; i++) out[Math.floor(r() * span)] = Math.floor(r() * 256);
  return out;
}

let base: string;
let n = 0;

async function settles(tar: Buffer, seed: number): Promise<void> {
  const dir = join(base, `m${n++}`);
  const dest = join(dir, 'dest');
  await mkdir(dest, { recursive: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`seed ${seed}: no answer within 10 s`)), 10_000); });
  try {
    await Promise.race([unpackLayer(Readable.from([tar]), dest, { chown: false }), timeout]);
  } catch (err) {
    assert.ok(isInvalidArgument(err), `seed ${seed}: ${String(err)}`);
  } finally {
    clearTimeout(timer);
  }
  assert.deepEqual(await readdir(dir), ['dest'], `seed ${seed}: nothing beside the layer`);
  await rm(dir, { recursive: true, force: true });
}

describe('unpackLayer on mutated archives', () => {
  before(async () => { base = await mkdtemp(join(tmpdir(), 'berth-mut-')); });
  after(async () => { await rm(base, { recursive: true, force: true }); });

  it('answers every mutation of ordinary archives with success or a client error', async () => {
    const tar = await makeTar([
      { name: 'd/', type: 'directory' },
      { name: `${'n'.repeat(120)}/f`, body: 'long name' },
      { name: 'd/s', type: 'symlink', linkname: '../../../x' },
      { name: 'd/s/through', body: 'x' },
      { name: 'p', body: 'pax', pax: { 'GNU.sparse.name': 'p', 'GNU.sparse.size': '10', 'GNU.sparse.map': '2,3' } },
      { name: 'd/.wh.gone', body: '' },
    ]);
    for (let seed = 1; seed <= 150; seed++) await settles(mutate(tar, seed), seed);
  });

  it('answers every mutation of GNU sparse archives with success or a client error', needs({ tools: ['tar'] }), async () => {
    const src = join(base, 'src');
    await mkdir(src);
    const fh = await open(join(src, 'sparse.bin'), 'w');
    for (let i = 0; i < 10; i++) await fh.write(Buffer.alloc(700, 65 + i), 0, 700, i * 50_000);
    await fh.truncate(600_000);
    await fh.close();
    for (const args of [['--format=gnu'], ['--format=posix', '--sparse-version=0.0'], ['--format=posix']]) {
      const r = spawnSync('tar', ['-C', src, '--sparse', ...args, '-cf', '-', 'sparse.bin'], { maxBuffer: 1 << 24 });
      assert.equal(r.status, 0, r.stderr.toString());
      for (let seed = 1; seed <= 60; seed++) await settles(mutate(r.stdout, seed), seed);
    }
  });
});
