// sha512 digests, as the OCI spec allows them: blobs pushed whole or in chunks under a sha512
// digest, manifests that reference them and manifests pushed by a sha512 digest; other
// algorithms are UNSUPPORTED and malformed digests DIGEST_INVALID.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { skipReason } from '../../helpers/prereq.js';
import { http, sha256, startRegistry, type HttpResult, type Registry } from '../../helpers/registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function sha512(data: Buffer | string): string {
  return `sha512:${createHash('sha512').update(data).digest('hex')}`;
}

function errorCode(r: HttpResult): string | undefined {
  return r.json<{ errors: Array<{ code: string }> }>().errors[0]?.code;
}

describe('registry: sha512 digests', { skip: skipReason({ cli: true }) }, () => {
  let reg: Registry;
  before(async () => { reg = await startRegistry(); });
  after(async () => { await reg?.cleanup(); });

  const post = (repo: string, digest: string, data: Buffer) =>
    http('POST', `${reg.url}/v2/${repo}/blobs/uploads/?digest=${digest}`, { body: data, headers: { 'Content-Length': data.length } });

  it('takes a blob pushed whole under a sha512 digest and serves it by that digest', async () => {
    const data = randomBytes(70_000);
    const d = sha512(data);
    const put = await post('s5/a', d, data);
    assert.equal(put.status, 201, put.body.toString());
    assert.equal(put.headers['docker-content-digest'], d);
    assert.equal(put.headers.location, `/v2/s5/a/blobs/${d}`);
    const get = await http('GET', `${reg.url}/v2/s5/a/blobs/${d}`);
    assert.equal(get.status, 200);
    assert.equal(get.headers['docker-content-digest'], d);
    assert.ok(get.body.equals(data));
    // The same bytes by their sha256 were never pushed.
    assert.equal((await http('HEAD', `${reg.url}/v2/s5/a/blobs/${sha256(data)}`)).status, 404);
  });

  it('finishes a chunked upload with a sha512 digest, declared up front or not', async () => {
    for (const declared of [true, false]) {
      const data = randomBytes(50_000);
      const start = await http('POST', `${reg.url}/v2/s5/b/blobs/uploads/${declared ? '?digest-algorithm=sha512' : ''}`, { headers: { 'Content-Length': 0 } });
      assert.equal(start.status, 202);
      const loc = start.headers.location!;
      const patch = await http('PATCH', `${reg.url}${loc}`, { body: data.subarray(0, 20_000), headers: { 'Content-Range': '0-19999', 'Content-Length': 20_000 } });
      assert.equal(patch.status, 202);
      const fin = await http('PUT', `${reg.url}${loc}?digest=${sha512(data)}`, { body: data.subarray(20_000), headers: { 'Content-Length': 30_000 } });
      assert.equal(fin.status, 201, fin.body.toString());
      assert.ok((await http('GET', `${reg.url}/v2/s5/b/blobs/${sha512(data)}`)).body.equals(data));
    }
  });

  it('refuses a blob whose bytes do not match its sha512', async () => {
    const r = await post('s5/a', sha512('other'), randomBytes(10));
    assert.equal(r.status, 400);
    assert.equal(errorCode(r), 'DIGEST_INVALID');
  });

  it('takes a manifest referencing sha512 blobs, by tag and by its own sha512 digest', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const layer = randomBytes(4_000);
    assert.equal((await post('s5/img', sha512(config), config)).status, 201);
    assert.equal((await post('s5/img', sha512(layer), layer)).status, 201);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha512(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha512(layer), size: layer.length }],
    }));
    const byTag = await http('PUT', `${reg.url}/v2/s5/img/manifests/v1`, { body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(byTag.status, 201, byTag.body.toString());
    assert.equal(byTag.headers['docker-content-digest'], sha256(manifest));

    const byDigest = await http('PUT', `${reg.url}/v2/s5/img/manifests/${sha512(manifest)}?tag=v2`, { body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(byDigest.status, 201, byDigest.body.toString());
    assert.equal(byDigest.headers['docker-content-digest'], sha512(manifest));
    const get = await http('GET', `${reg.url}/v2/s5/img/manifests/${sha512(manifest)}`);
    assert.equal(get.status, 200);
    assert.equal(get.headers['docker-content-digest'], sha512(manifest));
    assert.ok(get.body.equals(manifest));
    assert.equal((await http('HEAD', `${reg.url}/v2/s5/img/manifests/v2`)).headers['docker-content-digest'], sha512(manifest));

    const wrong = await http('PUT', `${reg.url}/v2/s5/img/manifests/${sha512('x')}`, { body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(wrong.status, 400);
    assert.equal(errorCode(wrong), 'DIGEST_INVALID');
  });

  it('answers UNSUPPORTED for other algorithms and DIGEST_INVALID for malformed digests', async () => {
    const data = randomBytes(10);
    const sha384 = `sha384:${createHash('sha384').update(data).digest('hex')}`;
    const r = await post('s5/a', sha384, data);
    assert.equal(r.status, 400);
    assert.equal(errorCode(r), 'UNSUPPORTED');
    const alg = await http('POST', `${reg.url}/v2/s5/a/blobs/uploads/?digest-algorithm=sha384`, { headers: { 'Content-Length': 0 } });
    assert.equal(errorCode(alg), 'UNSUPPORTED');
    const get = await http('GET', `${reg.url}/v2/s5/a/blobs/${sha384}`);
    assert.equal(get.status, 400);
    assert.equal(errorCode(get), 'UNSUPPORTED');
    const bad = await http('GET', `${reg.url}/v2/s5/a/blobs/sha512:abc`);
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), 'DIGEST_INVALID');
  });
});
