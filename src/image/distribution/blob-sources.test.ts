import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testTempDir } from '../../lib/testing/temp-dir.js';
import { BlobSources } from './blob-sources.js';

const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('BlobSources', () => {
  it('remembers repositories per registry, newest first, and survives a restart', async () => {
    const file = join(testTempDir('berth-blobsrc-'), 'blob-sources.json');
    const s = new BlobSources({ file });
    s.record(digest(1), 'r:5000', 'a/one');
    s.record(digest(1), 'r:5000', 'b/two');
    s.record(digest(1), 'other:5000', 'c/three');
    s.record(digest(1), 'r:5000', 'a/one');
    await s.flush();
    assert.deepEqual(s.sources(digest(1), 'r:5000'), ['a/one', 'b/two']);
    const again = new BlobSources({ file });
    assert.deepEqual(again.sources(digest(1), 'r:5000'), ['a/one', 'b/two']);
    assert.deepEqual(again.sources(digest(1), 'other:5000'), ['c/three']);
    assert.deepEqual(again.sources(digest(2), 'r:5000'), []);
  });

  it('stays bounded: the least recently seen blobs and the oldest sources go first', async () => {
    const file = join(testTempDir('berth-blobsrc-'), 'blob-sources.json');
    const s = new BlobSources({ file, maxBlobs: 100, maxPerBlob: 3 });
    for (let i = 0; i < 1000; i++) s.record(digest(i % 150), 'r', `repo${i}`);
    s.record(digest(0), 'r', 'recent');
    await s.flush();
    assert.equal(s.size, 100);
    // digest 0 was pushed out between repo750 and repo900 (by 149 others), so its older sources went with it.
    assert.deepEqual(s.sources(digest(0), 'r'), ['recent', 'repo900']);
    assert.deepEqual(s.sources(digest(99), 'r'), ['repo999']);
    for (const repo of ['p1', 'p2', 'p3', 'p4']) s.record(digest(99), 'r', repo);
    assert.deepEqual(s.sources(digest(99), 'r'), ['p4', 'p3', 'p2']);
    await s.flush();
    assert.deepEqual(s.sources(digest(120), 'r'), []);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { blobs: Record<string, unknown[]> };
    assert.equal(Object.keys(onDisk.blobs).length, 100);
    assert.ok(Object.values(onDisk.blobs).every((l) => l.length <= 3));
  });

  it('a torn or foreign file is a fresh start, not a failure', () => {
    const dir = testTempDir('berth-blobsrc-');
    const file = join(dir, 'blob-sources.json');
    writeFileSync(file, '{"version":1,"blobs":{"sha256:00');
    assert.equal(new BlobSources({ file }).size, 0);
    writeFileSync(file, JSON.stringify({ blobs: { 'not-a-digest': [{ domain: 'r', repo: 'x' }], [digest(1)]: [{ domain: 'r' }, { domain: 'r', repo: 'ok' }] } }));
    const s = new BlobSources({ file });
    assert.equal(s.size, 1);
    assert.deepEqual(s.sources(digest(1), 'r'), ['ok']);
  });
});
