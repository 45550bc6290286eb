import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { errorResponse } from '../errors.js';
import { FsRegistryStore } from './fs-store.js';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A body that sends `good` and then fails, as a client that drops the connection mid-chunk. */
function brokenBody(good: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(good);
      } else {
        this.destroy(new Error('connection reset'));
      }
    },
  });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return `${errorResponse(err).status} ${errorResponse(err).code}`;
  }
}

describe('FsRegistryStore', () => {
  let root: string;
  let store: FsRegistryStore;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-regstore-'));
    // What a crash leaves: an upload's bytes, which must not survive the next start.
    await mkdir(join(root, 'uploads'), { recursive: true });
    await writeFile(join(root, 'uploads', 'f'.repeat(32)), 'half');
    store = await FsRegistryStore.open(root, { uploadIdleMs: 60_000 });
  });
  after(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('starts with the uploads of an earlier run deleted', async () => {
    assert.deepEqual(await readdir(join(root, 'uploads')), []);
  });

  it('keeps an upload as it was when a chunk fails half-way, so the client can resend it', async () => {
    const data = randomBytes(50_000);
    const up = await store.startUpload('r');
    await store.appendUpload('r', up.id, Readable.from([data.subarray(0, 10_000)]), { start: 0, end: 9_999 });
    await assert.rejects(store.appendUpload('r', up.id, brokenBody(data.subarray(10_000, 15_000)), { start: 10_000, end: 29_999 }));
    assert.equal((await store.uploadStatus('r', up.id)).size, 10_000);
    await store.appendUpload('r', up.id, Readable.from([data.subarray(10_000, 30_000)]), { start: 10_000, end: 29_999 });
    const blob = await store.finishUpload('r', up.id, sha(data), Readable.from([data.subarray(30_000)]), undefined);
    assert.deepEqual(blob, { digest: sha(data), size: data.length });
  });

  it('refuses an out-of-order chunk with 416 and the range it has', async () => {
    const up = await store.startUpload('r');
    await store.appendUpload('r', up.id, Readable.from([Buffer.from('abc')]), undefined);
    try {
      await store.appendUpload('r', up.id, Readable.from([Buffer.from('x')]), { start: 5, end: 5 });
      assert.fail('accepted');
    } catch (err) {
      const e = errorResponse(err);
      assert.equal(e.status, 416);
      assert.equal(e.headers.Range, '0-2');
    }
    assert.equal((await store.uploadStatus('r', up.id)).size, 3);
  });

  it('stores nothing for a blob whose bytes do not match its digest', async () => {
    const data = Buffer.from('payload');
    assert.equal(await code(store.putBlob('r', sha('other'), Readable.from([data]))), '400 DIGEST_INVALID');
    assert.equal(await store.statBlob('r', sha('other')), undefined);
    assert.equal(await store.statBlob('r', sha(data)), undefined);
    assert.deepEqual((await readdir(join(root, 'uploads'))).filter((n) => n.startsWith('put-')), []);
  });

  it('drops sessions idle longer than the limit', async () => {
    const up = await store.startUpload('idle');
    assert.equal(await store.sweepIdleUploads(Date.now() + 120_000) >= 1, true);
    assert.equal(await code(store.uploadStatus('idle', up.id)), '404 BLOB_UPLOAD_UNKNOWN');
    assert.ok(!(await readdir(join(root, 'uploads'))).includes(up.id));
  });

  it('keeps tags, revisions and referrers consistent across deletes', async () => {
    const content = Buffer.from('{"schemaVersion":2}');
    const digest = sha(content);
    const subject = sha('subject');
    await store.putManifest('m', {
      digest, mediaType: 'application/vnd.oci.image.index.v1+json', content, tags: ['a', 'b'], blobs: [], manifests: [],
      referrer: { subject, descriptor: { mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: content.length } },
    });
    assert.deepEqual(await store.listTags('m'), ['a', 'b']);
    assert.equal((await store.listReferrers('m', subject)).length, 1);
    await store.deleteManifest('m', 'a');
    assert.deepEqual(await store.listTags('m'), ['b']);
    await store.deleteManifest('m', digest);
    assert.deepEqual(await store.listTags('m'), []);
    assert.deepEqual(await store.listReferrers('m', subject), []);
    assert.equal(await store.statManifest('m', digest), undefined);
    assert.equal(await code(store.deleteManifest('m', digest)), '404 MANIFEST_UNKNOWN');
    assert.equal(await code(store.putManifest('m', { digest, mediaType: 'x', content, tags: [], blobs: [sha('missing')], manifests: [] })), '400 MANIFEST_BLOB_UNKNOWN');
  });

  it('touches what a push re-uses, so a running gc keeps it, and refuses a manifest whose blob gc took', async () => {
    const layer = Buffer.from('layer bytes');
    const blobPath = join(root, 'blobs', 'sha256', sha(layer).slice(7, 9), sha(layer).slice(7));
    await store.putBlob('g', sha(layer), Readable.from([layer]));
    const longAgo = new Date(Date.now() - 3_600_000);
    await utimes(blobPath, longAgo, longAgo);
    const content = Buffer.from('{"schemaVersion":2,"m":1}');
    await store.putManifest('g', { digest: sha(content), mediaType: 'x', content, tags: ['t'], blobs: [sha(layer)], manifests: [] });
    assert.ok((await stat(blobPath)).mtimeMs > Date.now() - 60_000, 'the manifest push touched its layer');
    await utimes(blobPath, longAgo, longAgo);
    await store.mountBlob('g2', sha(layer), 'g');
    assert.ok((await stat(blobPath)).mtimeMs > Date.now() - 60_000, 'a mount touched the blob');

    // The bytes collected while the repository link stays: the manifest is refused, not stored.
    await unlink(blobPath);
    const other = Buffer.from('{"schemaVersion":2,"m":2}');
    assert.equal(await code(store.putManifest('g', { digest: sha(other), mediaType: 'x', content: other, tags: ['u'], blobs: [sha(layer)], manifests: [] })), '400 MANIFEST_BLOB_UNKNOWN');
    assert.equal(await store.statManifest('g', 'u'), undefined);
    assert.equal(await store.statBlob('g', sha(layer)), undefined);
    // Pushed again, the blob is back under the link that was there.
    await store.putBlob('g', sha(layer), Readable.from([layer]));
    assert.deepEqual(await store.statBlob('g', sha(layer)), { digest: sha(layer), size: layer.length });
  });

  it('stores and serves sha512 blobs apart from sha256 ones', async () => {
    const data = Buffer.from('five-twelve');
    const d512 = `sha512:${createHash('sha512').update(data).digest('hex')}`;
    assert.deepEqual(await store.putBlob('s', d512, Readable.from([data])), { digest: d512, size: data.length });
    assert.ok((await readdir(join(root, 'blobs', 'sha512', d512.slice(7, 9)))).includes(d512.slice(7)));
    assert.equal(await store.statBlob('s', sha(data)), undefined);
    const up = await store.startUpload('s');
    await store.appendUpload('s', up.id, Readable.from([data]), undefined);
    assert.deepEqual(await store.finishUpload('s', up.id, d512, undefined, undefined), { digest: d512, size: data.length });
  });
});
