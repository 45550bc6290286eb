// The berth registry's blob API over HTTP: uploads in every form the spec has, ranges, mounts,
// deletes, errors, concurrent pushes of one blob and a kill -9 in the middle of an upload.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { skipReason } from '../../helpers/prereq.js';
import { http, pushBlob, sha256, startRegistry, type HttpResult, type Registry } from '../../helpers/registry.js';

/** Retries a request while it is refused as busy (for at most 5 s). */
async function resend(fn: () => Promise<HttpResult>): Promise<HttpResult> {
  for (let i = 0; ; i++) {
    const r = await fn();
    if (r.status !== 416 || i >= 50) return r;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

function errorCode(r: HttpResult): string | undefined {
  return r.json<{ errors: Array<{ code: string }> }>().errors[0]?.code;
}

describe('registry: blobs', { skip: skipReason({ cli: true }) }, () => {
  let reg: Registry;
  before(async () => { reg = await startRegistry(); });
  after(async () => { await reg?.cleanup(); });

  it('answers the /v2/ check with the API version header', async () => {
    const r = await http('GET', `${reg.url}/v2/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['docker-distribution-api-version'], 'registry/2.0');
  });

  it('takes a monolithic push and serves it whole, by HEAD and by range', async () => {
    const data = randomBytes(100_000);
    const d = sha256(data);
    const put = await pushBlob(reg.url, 'mono/one', data);
    assert.equal(put.status, 201, put.body.toString());
    assert.equal(put.headers.location, `/v2/mono/one/blobs/${d}`);
    assert.equal(put.headers['docker-content-digest'], d);

    const head = await http('HEAD', `${reg.url}/v2/mono/one/blobs/${d}`);
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '100000');
    assert.equal(head.headers['docker-content-digest'], d);
    assert.equal(head.body.length, 0);

    const get = await http('GET', `${reg.url}/v2/mono/one/blobs/${d}`);
    assert.equal(get.status, 200);
    assert.ok(get.body.equals(data));

    const part = await http('GET', `${reg.url}/v2/mono/one/blobs/${d}`, { headers: { Range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], 'bytes 10-19/100000');
    assert.ok(part.body.equals(data.subarray(10, 20)));
    const tail = await http('GET', `${reg.url}/v2/mono/one/blobs/${d}`, { headers: { Range: 'bytes=-5' } });
    assert.ok(tail.body.equals(data.subarray(-5)));
    const beyond = await http('GET', `${reg.url}/v2/mono/one/blobs/${d}`, { headers: { Range: 'bytes=100000-' } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers['content-range'], 'bytes */100000');
  });

  it('takes an empty blob', async () => {
    const put = await pushBlob(reg.url, 'mono/empty', Buffer.alloc(0));
    assert.equal(put.status, 201);
    const get = await http('GET', `${reg.url}/v2/mono/empty/blobs/${sha256('')}`);
    assert.equal(get.status, 200);
    assert.equal(get.body.length, 0);
  });

  it('takes chunks in order, refuses one out of order with 416 and keeps the upload', async () => {
    const data = randomBytes(30_000);
    const start = await http('POST', `${reg.url}/v2/chunked/blobs/uploads/`, { headers: { 'Content-Length': 0 } });
    assert.equal(start.status, 202);
    assert.equal(start.headers.range, '0-0');
    const loc = start.headers.location!;
    assert.match(loc, /^\/v2\/chunked\/blobs\/uploads\/[0-9a-f]{32}$/);
    assert.ok(start.headers['docker-upload-uuid']);

    const c1 = await http('PATCH', reg.url + loc, { body: data.subarray(0, 10_000), headers: { 'Content-Range': '0-9999', 'Content-Type': 'application/octet-stream' } });
    assert.equal(c1.status, 202);
    assert.equal(c1.headers.range, '0-9999');

    // Skipping ahead: 416, and the registry says what it has.
    const skip = await http('PATCH', reg.url + loc, { body: data.subarray(20_000), headers: { 'Content-Range': '20000-29999' } });
    assert.equal(skip.status, 416);
    assert.equal(skip.headers.range, '0-9999');
    assert.equal(skip.headers.location, loc);
    // Resending a chunk it already has is out of order too.
    const again = await http('PATCH', reg.url + loc, { body: data.subarray(0, 10_000), headers: { 'Content-Range': '0-9999' } });
    assert.equal(again.status, 416);

    const status = await http('GET', reg.url + loc);
    assert.equal(status.status, 204);
    assert.equal(status.headers.range, '0-9999');

    const c2 = await http('PATCH', reg.url + status.headers.location!, { body: data.subarray(10_000, 20_000), headers: { 'Content-Range': '10000-19999' } });
    assert.equal(c2.status, 202);
    assert.equal(c2.headers.range, '0-19999');
    // The last chunk rides on the closing PUT.
    const fin = await http('PUT', `${reg.url}${c2.headers.location!}?digest=${sha256(data)}`, { body: data.subarray(20_000), headers: { 'Content-Range': '20000-29999', 'Content-Length': 10_000 } });
    assert.equal(fin.status, 201, fin.body.toString());
    assert.equal(fin.headers.location, `/v2/chunked/blobs/${sha256(data)}`);
    const got = await http('GET', `${reg.url}/v2/chunked/blobs/${sha256(data)}`);
    assert.ok(got.body.equals(data));
    // The session is gone once the blob is stored.
    assert.equal((await http('GET', reg.url + loc)).status, 404);
  });

  it('takes a streamed upload (chunked transfer encoding, no Content-Range) and an empty closing PUT', async () => {
    const parts = [randomBytes(70_000), randomBytes(5), randomBytes(200_000)];
    const data = Buffer.concat(parts);
    const start = await http('POST', `${reg.url}/v2/streamed/blobs/uploads/`);
    const patch = await http('PATCH', reg.url + start.headers.location!, { body: Readable.from(parts) });
    assert.equal(patch.status, 202);
    assert.equal(patch.headers.range, `0-${data.length - 1}`);
    const fin = await http('PUT', `${reg.url}${patch.headers.location!}?digest=${sha256(data)}`);
    assert.equal(fin.status, 201, fin.body.toString());
    assert.ok((await http('GET', `${reg.url}/v2/streamed/blobs/${sha256(data)}`)).body.equals(data));
  });

  it('refuses a wrong digest (DIGEST_INVALID) and a chunk whose length lies (SIZE_INVALID)', async () => {
    const data = randomBytes(1000);
    const bad = await http('POST', `${reg.url}/v2/bad/blobs/uploads/?digest=${sha256('other')}`, { body: data });
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), 'DIGEST_INVALID');
    assert.equal((await http('HEAD', `${reg.url}/v2/bad/blobs/${sha256('other')}`)).status, 404);
    assert.equal((await http('HEAD', `${reg.url}/v2/bad/blobs/${sha256(data)}`)).status, 404);

    const start = await http('POST', `${reg.url}/v2/bad/blobs/uploads/`);
    const loc = start.headers.location!;
    const lie = await http('PATCH', reg.url + loc, { body: data, headers: { 'Content-Range': '0-99' } });
    assert.equal(lie.status, 400);
    assert.equal(errorCode(lie), 'SIZE_INVALID');
    assert.equal((await http('GET', reg.url + loc)).headers.range, '0-0');
    const fin = await http('PUT', `${reg.url}${loc}?digest=${sha256('x')}`, { body: data });
    assert.equal(fin.status, 400);
    assert.equal(errorCode(fin), 'DIGEST_INVALID');

    const malformed = await http('PUT', `${reg.url}${loc}?digest=sha256:xyz`);
    assert.equal(errorCode(malformed), 'DIGEST_INVALID');
  });

  it('keeps an upload as it was when the client drops the connection mid-chunk', async () => {
    const data = randomBytes(200_000);
    const start = await http('POST', `${reg.url}/v2/dropped/blobs/uploads/`);
    const loc = start.headers.location!;
    await http('PATCH', reg.url + loc, { body: data.subarray(0, 50_000), headers: { 'Content-Range': '0-49999' } });
    // Headers promise 100,000 bytes; 30,000 arrive, then the socket closes.
    await new Promise<void>((done, fail) => {
      const sock = connect(Number(reg.addr.split(':')[1]), '127.0.0.1', () => {
        sock.write(`PATCH ${loc} HTTP/1.1\r\nHost: x\r\nContent-Range: 50000-149999\r\nContent-Length: 100000\r\n\r\n`);
        sock.write(data.subarray(50_000, 80_000), () => setTimeout(() => { sock.destroy(); done(); }, 200));
      });
      sock.on('error', fail);
    });
    const status = await http('GET', reg.url + loc);
    assert.equal(status.status, 204);
    assert.equal(status.headers.range, '0-49999');
    // Until the registry has seen the connection go, the upload is busy (416); then it takes the chunk again.
    const rest = await resend(() => http('PATCH', reg.url + loc, { body: data.subarray(50_000), headers: { 'Content-Range': '50000-199999' } }));
    assert.equal(rest.status, 202, rest.body.toString());
    assert.equal((await http('PUT', `${reg.url}${loc}?digest=${sha256(data)}`)).status, 201);
    assert.ok((await http('GET', `${reg.url}/v2/dropped/blobs/${sha256(data)}`)).body.equals(data));
  });

  it('cancels an upload; its location is then unknown', async () => {
    const start = await http('POST', `${reg.url}/v2/cancel/blobs/uploads/`);
    const loc = start.headers.location!;
    await http('PATCH', reg.url + loc, { body: randomBytes(10) });
    assert.equal((await http('DELETE', reg.url + loc)).status, 204);
    const gone = await http('PATCH', reg.url + loc, { body: randomBytes(10) });
    assert.equal(gone.status, 404);
    assert.equal(errorCode(gone), 'BLOB_UPLOAD_UNKNOWN');
    // An upload belongs to its repository.
    const other = await http('POST', `${reg.url}/v2/cancel/blobs/uploads/`);
    const id = other.headers['docker-upload-uuid'] as string;
    assert.equal((await http('GET', `${reg.url}/v2/elsewhere/blobs/uploads/${id}`)).status, 404);
    assert.equal((await http('GET', `${reg.url}/v2/cancel/blobs/uploads/..%2F..%2Fx`)).status, 404);
  });

  it('mounts across repositories, with and without `from`, and starts an upload when it cannot', async () => {
    const data = randomBytes(5000);
    const d = sha256(data);
    await pushBlob(reg.url, 'mount/src', data);
    assert.equal((await http('HEAD', `${reg.url}/v2/mount/dst/blobs/${d}`)).status, 404);
    const m = await http('POST', `${reg.url}/v2/mount/dst/blobs/uploads/?mount=${d}&from=mount/src`);
    assert.equal(m.status, 201);
    assert.equal(m.headers.location, `/v2/mount/dst/blobs/${d}`);
    assert.equal(m.headers['docker-content-digest'], d);
    assert.ok((await http('GET', `${reg.url}/v2/mount/dst/blobs/${d}`)).body.equals(data));

    const anywhere = await http('POST', `${reg.url}/v2/mount/other/blobs/uploads/?mount=${d}`);
    assert.equal(anywhere.status, 201);

    // Not in `from`: an upload session instead.
    const missing = await http('POST', `${reg.url}/v2/mount/dst2/blobs/uploads/?mount=${sha256('nope')}&from=mount/src`);
    assert.equal(missing.status, 202);
    assert.match(missing.headers.location!, /^\/v2\/mount\/dst2\/blobs\/uploads\//);
    const wrongFrom = await http('POST', `${reg.url}/v2/mount/dst3/blobs/uploads/?mount=${d}&from=mount/dst2`);
    assert.equal(wrongFrom.status, 202);
  });

  it('deletes a blob from a repository and answers BLOB_UNKNOWN after', async () => {
    const data = randomBytes(100);
    const d = sha256(data);
    await pushBlob(reg.url, 'del/a', data);
    await pushBlob(reg.url, 'del/b', data);
    const del = await http('DELETE', `${reg.url}/v2/del/a/blobs/${d}`);
    assert.equal(del.status, 202);
    const after = await http('GET', `${reg.url}/v2/del/a/blobs/${d}`);
    assert.equal(after.status, 404);
    assert.equal(errorCode(after), 'BLOB_UNKNOWN');
    assert.equal((await http('DELETE', `${reg.url}/v2/del/a/blobs/${d}`)).status, 404);
    // Other repositories keep it.
    assert.equal((await http('HEAD', `${reg.url}/v2/del/b/blobs/${d}`)).status, 200);
  });

  it('refuses names outside the spec grammar (NAME_INVALID) and unknown paths', async () => {
    for (const name of ['UPPER', 'a//b', '-x', 'a/_b', 'a/.b']) {
      const r = await http('GET', `${reg.url}/v2/${name}/blobs/${sha256('')}`);
      assert.equal(r.status, 400, name);
      assert.equal(errorCode(r), 'NAME_INVALID', name);
    }
    assert.equal((await http('GET', `${reg.url}/v2/x/blobs/sha256:abc`)).status, 400);
    assert.equal((await http('GET', `${reg.url}/nope`)).status, 404);
    assert.equal((await http('POST', `${reg.url}/v2/x/blobs/${sha256('')}`)).status, 405);
  });

  it('stores one blob pushed by many clients at once, chunked and monolithic', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const d = sha256(data);
    const uploadsBefore = await readdir(join(reg.root, 'uploads'));
    const mono = Array.from({ length: 6 }, () => pushBlob(reg.url, 'race/img', data));
    const chunked = Array.from({ length: 6 }, async () => {
      const s = await http('POST', `${reg.url}/v2/race/img/blobs/uploads/`);
      const p = await http('PATCH', reg.url + s.headers.location!, { body: data.subarray(0, 1_000_000), headers: { 'Content-Range': '0-999999' } });
      return http('PUT', `${reg.url}${p.headers.location!}?digest=${d}`, { body: data.subarray(1_000_000) });
    });
    for (const r of await Promise.all([...mono, ...chunked])) assert.equal(r.status, 201, r.body.toString());
    const got = await http('GET', `${reg.url}/v2/race/img/blobs/${d}`);
    assert.equal(sha256(got.body), d);
    // Every session and temp file of these pushes is gone.
    assert.deepEqual(await readdir(join(reg.root, 'uploads')), uploadsBefore);
  });

  it('writes one JSON access-log line per request', () => {
    const lines = reg.log().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const put = lines.find((l) => l.method === 'PUT' && l.status === 201);
    assert.ok(put, 'a PUT line');
    assert.equal(typeof put.ms, 'number');
    assert.ok(lines.some((l) => l.error === 'NAME_INVALID' && l.status === 400));
  });

  it('after a kill -9 mid-upload, serves no part of the blob and drops the half upload at restart', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const d = sha256(data);
    const s = await http('POST', `${reg.url}/v2/crash/img/blobs/uploads/`);
    await http('PATCH', reg.url + s.headers.location!, { body: data.subarray(0, 3_000_000), headers: { 'Content-Range': '0-2999999' } });
    assert.ok((await readdir(join(reg.root, 'uploads'))).includes(s.headers['docker-upload-uuid'] as string));
    await reg.kill9();
    await reg.restart();
    assert.deepEqual(await readdir(join(reg.root, 'uploads')), []);
    assert.equal((await http('HEAD', `${reg.url}/v2/crash/img/blobs/${d}`)).status, 404);
    assert.equal((await http('GET', reg.url + s.headers.location!)).status, 404);
    // Earlier content survived the crash.
    assert.equal((await http('HEAD', `${reg.url}/v2/mono/empty/blobs/${sha256('')}`)).status, 200);
  });
});
