import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { gzipSync } from 'node:zlib';
import { testTempDir } from '../lib/testing/temp-dir.js';
import { BuildContext, receiveContext } from './context.js';

async function tarOf(entries: Array<{ name: string; body?: string; type?: 'file' | 'symlink' | 'directory'; linkname?: string }>): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644 }, e.body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

const signal = new AbortController().signal;
const limits = { maxBytes: 1 << 20, maxEntries: 100 };

describe('build context', () => {
  it('is received from a plain or gzip tar, and refuses entries that climb out or exceed the limits', async () => {
    const plain = testTempDir('berth-ctx-');
    await receiveContext(Readable.from(await tarOf([{ name: 'Dockerfile', body: 'FROM busybox\n' }, { name: 'src/a.txt', body: 'a' }])), plain, { limits, signal });
    assert.deepEqual((await readdir(plain)).sort(), ['Dockerfile', 'src']);
    const gz = testTempDir('berth-ctx-');
    await receiveContext(Readable.from(gzipSync(await tarOf([{ name: 'x', body: 'x' }]))), gz, { limits, signal });
    assert.deepEqual(await readdir(gz), ['x']);
    const evil = testTempDir('berth-ctx-');
    await assert.rejects(receiveContext(Readable.from(await tarOf([{ name: '../escape', body: 'x' }])), evil, { limits, signal }));
    const big = testTempDir('berth-ctx-');
    await assert.rejects(receiveContext(Readable.from(await tarOf([{ name: 'big', body: 'x'.repeat(2 << 20) }])), big, { limits, signal }), /larger than the limit/);
    const many = testTempDir('berth-ctx-');
    const lots = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}` }));
    await assert.rejects(receiveContext(Readable.from(await tarOf(lots)), many, { limits, signal }), /too many entries/);
  });

  it('reads the Dockerfile, applies .dockerignore and drops an ignored Dockerfile after reading it', async () => {
    const dir = testTempDir('berth-ctx-');
    await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\n');
    await writeFile(join(dir, '.dockerignore'), 'secret*\nDockerfile\n.dockerignore\nlogs\n!logs/keep\n');
    await writeFile(join(dir, 'secret.key'), 'k');
    await writeFile(join(dir, 'app.txt'), 'a');
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'keep'), '1');
    await writeFile(join(dir, 'logs', 'drop'), '2');
    const ctx = await BuildContext.open(dir, 'Dockerfile');
    assert.equal(ctx.dockerfile, 'FROM busybox\n');
    assert.deepEqual((await readdir(dir)).sort(), ['app.txt', 'logs']);
    assert.deepEqual(await readdir(join(dir, 'logs')), ['keep']);
    await assert.rejects(BuildContext.open(dir, 'nope/Dockerfile'), /Cannot locate specified Dockerfile: nope\/Dockerfile/);
  });

  it('finds sources and wildcards, and refuses paths and symlinks that lead outside', async () => {
    const dir = testTempDir('berth-ctx-');
    await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\n');
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'a.ts'), 'a');
    await writeFile(join(dir, 'src', 'b.ts'), 'b');
    await writeFile(join(dir, 'src', 'c.js'), 'c');
    await symlink('/etc/passwd', join(dir, 'passwd'));
    await symlink('src/a.ts', join(dir, 'inside'));
    const ctx = await BuildContext.open(dir, 'Dockerfile');
    assert.deepEqual((await ctx.sources('src/*.ts')).map((s) => s.rel), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual((await ctx.sources('src')).map((s) => [s.rel, s.isDir]), [['src', true]]);
    assert.deepEqual((await ctx.sources('inside')).map((s) => s.isDir), [false]);
    await assert.rejects(ctx.sources('passwd'), { message: 'forbidden path outside the build context: passwd ()' });
    await assert.rejects(ctx.sources('../x'), { message: 'forbidden path outside the build context: ../x ()' });
    await assert.rejects(ctx.sources('nope.txt'), /file not found in build context or excluded by \.dockerignore: stat nope\.txt/);
    await assert.rejects(ctx.sources('*.none'), /file not found in build context/);
  });
});
