import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testTempDir } from '../lib/testing/temp-dir.js';
import { referencedDigests, removeIfUntouched } from './gc.js';

describe('registry gc', () => {
  const dir = testTempDir('berth-gc-');

  it('deletes a file untouched since the cutoff and puts back one touched since', async () => {
    const start = Date.now();
    const old = join(dir, 'old');
    const fresh = join(dir, 'fresh');
    await writeFile(old, 'x');
    await writeFile(fresh, 'y');
    const before = new Date(start - 60_000);
    await utimes(old, before, before);
    assert.equal(await removeIfUntouched(old, start), true);
    assert.equal(existsSync(old), false);
    assert.equal(await removeIfUntouched(fresh, start), false);
    assert.equal(existsSync(fresh), true);
    assert.equal(await removeIfUntouched(join(dir, 'missing'), start), false);
    // Nothing is left renamed aside.
    assert.deepEqual((await readdir(dir)).sort(), ['fresh']);
  });

  it('finds the config, layers and index children a manifest references, sha512 included', () => {
    const a = `sha256:${'a'.repeat(64)}`;
    const b = `sha512:${'b'.repeat(128)}`;
    const c = `sha256:${'c'.repeat(64)}`;
    assert.deepEqual(referencedDigests(Buffer.from(JSON.stringify({ config: { digest: a }, layers: [{ digest: b }, { digest: 'junk' }] }))), [a, b]);
    assert.deepEqual(referencedDigests(Buffer.from(JSON.stringify({ manifests: [{ digest: c }] }))), [c]);
    assert.deepEqual(referencedDigests(Buffer.from('not json')), []);
  });
});
