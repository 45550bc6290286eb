import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testTempDir } from '../lib/testing/temp-dir.js';
import { BuildCache, cacheKey } from './cache.js';

const base = { parent: 'sha256:aa', instruction: '{"kind":"RUN"}', buildArgs: ['X=1', 'Y=2'] };

describe('build cache keys', () => {
  it('change with the parent, the instruction, the build args and the content, not with the args order', () => {
    const k = cacheKey(base);
    assert.match(k, /^[a-f0-9]{64}$/);
    assert.equal(cacheKey({ ...base, buildArgs: ['Y=2', 'X=1'] }), k);
    assert.notEqual(cacheKey({ ...base, parent: 'sha256:ab' }), k);
    assert.notEqual(cacheKey({ ...base, instruction: '{"kind":"RUN","x":1}' }), k);
    assert.notEqual(cacheKey({ ...base, buildArgs: ['X=1'] }), k);
    assert.notEqual(cacheKey({ ...base, buildArgs: ['X=1', 'Y=3'] }), k);
    assert.notEqual(cacheKey({ ...base, content: 'c1' }), k);
    assert.notEqual(cacheKey({ ...base, content: 'c1' }), cacheKey({ ...base, content: 'c2' }));
  });

  it('cannot be confused by moving text from one input to the next', () => {
    assert.notEqual(cacheKey({ parent: 'ab', instruction: 'c', buildArgs: [] }), cacheKey({ parent: 'a', instruction: 'bc', buildArgs: [] }));
    assert.notEqual(cacheKey({ ...base, buildArgs: ['X=1 Y=2'] }), cacheKey(base));
  });
});

describe('BuildCache', () => {
  it('survives a reload, forgets and clears, and takes an unreadable index as empty', async () => {
    const dir = testTempDir('berth-build-cache-');
    const file = join(dir, 'cache.json');
    const a = new BuildCache(file);
    await a.load();
    const k = cacheKey(base);
    await a.record(k, 'sha256:11');
    const b = new BuildCache(file);
    await b.load();
    assert.equal(b.lookup(k), 'sha256:11');
    await b.forget(k);
    assert.equal(b.lookup(k), undefined);
    await b.record(k, 'sha256:22');
    assert.deepEqual(await b.clear(), ['sha256:22']);
    assert.equal(JSON.parse(await readFile(file, 'utf8')).entries && b.size, 0);
    await writeFile(file, '{not json');
    const c = new BuildCache(file);
    await c.load();
    assert.equal(c.size, 0);
  });
});
