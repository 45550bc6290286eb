import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isInvalidArgument, isNotFound, kindOf } from '../../lib/errors/index.js';
import { sha256Digest } from '../../oci/index.js';
import { LocalContentStore } from './store.js';

async function drain(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `n` bytes in 64 KiB chunks, made as they are read. */
function generated(n: number, fill = 1): Readable {
  let left = n;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const c = Buffer.alloc(Math.min(65536, left), fill);
      left -= c.length;
      this.push(c);
    },
  });
}

describe('LocalContentStore', () => {
  let dir: string;
  let store: LocalContentStore;
  const dirs = (): { blobs: string; ingest: string } => ({ blobs: join(dir, 'blobs', 'sha256'), ingest: join(dir, 'ingest') });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-content-'));
    store = new LocalContentStore(dirs());
    await store.init();
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('stores a stream under its digest, verified against what was expected', async () => {
    const data = Buffer.alloc(3 * 65536 + 5, 1);
    const digest = sha256Digest(data);
    assert.deepEqual(await store.ingest(generated(data.length), { digest, size: data.length }), { digest, size: data.length });
    assert.deepEqual(await store.info(digest), { digest, size: data.length });
    assert.ok((await drain(await store.reader(digest))).equals(data));
    // Storing it again keeps one copy.
    await store.ingest(generated(data.length));
    assert.deepEqual((await store.list()).map((b) => b.digest), [digest]);
    assert.equal(await store.usage(), data.length);
  });

  it('refuses content that does not match, keeping nothing of it', async () => {
    await assert.rejects(store.ingest(generated(10, 2), { digest: sha256Digest('other') }), (e: unknown) => isInvalidArgument(e) && /digest mismatch/.test((e as Error).message));
    await assert.rejects(store.ingest(generated(10, 2), { size: 11 }), (e: unknown) => isInvalidArgument(e) && /size mismatch/.test((e as Error).message));
    await assert.rejects(store.ingest(generated(10, 2), { digest: '../../etc/passwd' }), isInvalidArgument);
    assert.equal(await store.has(sha256Digest(Buffer.alloc(10, 2))), false);
    assert.deepEqual(await readdir(dirs().ingest), []);
  });

  it('keeps nothing when the source fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(store.ingest(failing), /connection reset/);
    assert.deepEqual(await readdir(dirs().ingest), []);
  });

  it('serves small blobs whole and refuses big ones instead of buffering them', async () => {
    const { digest } = await store.putBlob(Buffer.from('{"config":true}'));
    assert.equal((await store.readBlob(digest)).toString(), '{"config":true}');
    await assert.rejects(store.readBlob(digest, 4), isInvalidArgument);
    await assert.rejects(store.readBlob(sha256Digest('absent')), isNotFound);
  });

  it('detects a tampered blob on read, whole or streamed', async () => {
    const { digest } = await store.putBlob(Buffer.from('original content'));
    await writeFile(join(dirs().blobs, digest.slice(7)), 'tampered content');
    await assert.rejects(store.readBlob(digest), (e: unknown) => kindOf(e) === 'data-loss');
    await assert.rejects(drain(await store.reader(digest)), (e: unknown) => kindOf(e) === 'data-loss');
    await store.delete(digest);
    assert.equal(await store.has(digest), false);
  });

  it('clears the temp files of writes a crash interrupted', async () => {
    const w = await store.writer();
    w.stream.write(Buffer.from('half'));
    const again = new LocalContentStore(dirs());
    await again.init();
    assert.deepEqual(await readdir(dirs().ingest), []);
    await w.abort();
  });
});
