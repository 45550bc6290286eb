import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { testTempDir } from '../../lib/testing/temp-dir.js';
import { BlobDownload } from './blob-download.js';

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function* chunks(data: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < data.length; i += size) {
    yield data.subarray(i, i + size);
    await new Promise((ok) => setImmediate(ok));
  }
}

async function readAll(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r as AsyncIterable<Buffer>) out.push(c);
  return Buffer.concat(out);
}

describe('BlobDownload', () => {
  const dir = testTempDir('berth-blobdl-');

  it('finishes at the upstream pace while a reader reads nothing, then the reader gets it all', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const dl = new BlobDownload(join(dir, 'a'), sha256(data), () => Promise.resolve(chunks(data, 64 * 1024)));
    await dl.started;
    const slow = dl.reader();
    const early = dl.reader();
    // A reader that has not been read from must not hold the download back (nor make it buffer).
    await dl.finished;
    assert.equal(dl.size, data.length);
    assert.ok((await readAll(slow)).equals(data));
    assert.ok((await readAll(early)).equals(data));
  });

  it('follows the download from the start and serves a range of it', async () => {
    const data = randomBytes(1024 * 1024);
    const dl = new BlobDownload(join(dir, 'b'), sha256(data), () => Promise.resolve(chunks(data, 4096)));
    await dl.started;
    const [whole, part] = await Promise.all([readAll(dl.reader()), readAll(dl.reader({ start: 500_000, end: 500_099 }))]);
    assert.ok(whole.equals(data));
    assert.ok(part.equals(data.subarray(500_000, 500_100)));
  });

  it('keeps the last byte back until the digest is checked, and fails every reader on a mismatch', async () => {
    const data = randomBytes(100_000);
    const dl = new BlobDownload(join(dir, 'c'), sha256(Buffer.from('something else')), () => Promise.resolve(chunks(data, 10_000)));
    await dl.started;
    let got = 0;
    const r = dl.reader();
    r.on('data', (c: Buffer) => { got += c.length; });
    await assert.rejects(new Promise((ok, fail) => { r.on('end', ok); r.on('error', fail); }), /does not match its digest/);
    assert.ok(got < data.length, 'the whole blob never reached the reader');
    await assert.rejects(dl.finished, /does not match its digest/);
  });

  it('fails started when the upstream fails before the first byte', async () => {
    const dl = new BlobDownload(join(dir, 'd'), sha256(Buffer.alloc(0)), () => Promise.reject(new Error('refused')));
    await assert.rejects(dl.started, /refused/);
  });

  it('serves an empty blob', async () => {
    const dl = new BlobDownload(join(dir, 'e'), sha256(Buffer.alloc(0)), () => Promise.resolve(chunks(Buffer.alloc(0), 1)));
    await dl.started;
    assert.equal((await readAll(dl.reader())).length, 0);
  });
});
