// The berth registry as a pull-through cache of another berth registry: manifests and blobs come
// from the upstream once and then from the cache, concurrent pulls of one blob fetch it once,
// pushes are refused, the upstream's 404s keep their meaning, and with the upstream stopped the
// cache still serves what it holds while the rest fails fast with 503.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { skipReason } from '../../helpers/prereq.js';
import { http, makeImage, pushImage, sha256, startRegistry, type HttpResult, type Registry, type TestImage } from '../../helpers/registry.js';

const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';

function errorCode(r: HttpResult): string | undefined {
  return r.json<{ errors: Array<{ code: string }> }>().errors[0]?.code;
}

/** How many GETs of `path` the registry's access log shows. */
function gets(reg: Registry, path: string): number {
  return reg.log().split('\n').filter((l) => l.includes('"method":"GET"') && l.includes(`"path":"${path}"`)).length;
}

describe('registry: pull-through cache', { skip: skipReason({ cli: true }) }, () => {
  let upstream: Registry;
  let proxy: Registry;
  let img: TestImage;
  let img2: TestImage;

  before(async () => {
    upstream = await startRegistry();
    img = await makeImage([3_000_000, 500]);
    img2 = await makeImage([40_000]);
    const put = await pushImage(upstream.url, 'lib/app', img, 'v1');
    assert.equal(put.status, 201, put.body.toString());
    // Tags are checked with the upstream on every request (TTL 0), so a moved tag is seen at once.
    proxy = await startRegistry({ args: ['--proxy-remote-url', upstream.url, '--proxy-tag-ttl', '0s'] });
  });
  after(async () => {
    await proxy?.cleanup();
    await upstream?.cleanup();
  });

  it('serves a manifest by tag and its blobs from the upstream, and lists what it cached', async () => {
    const m = await http('GET', `${proxy.url}/v2/lib/app/manifests/v1`, { headers: { Accept: ACCEPT } });
    assert.equal(m.status, 200, m.body.toString());
    assert.ok(m.body.equals(img.manifest));
    assert.equal(m.headers['docker-content-digest'], img.manifestDigest);
    assert.equal(m.headers['content-type'], 'application/vnd.oci.image.manifest.v1+json');
    const byDigest = await http('HEAD', `${proxy.url}/v2/lib/app/manifests/${img.manifestDigest}`);
    assert.equal(byDigest.status, 200);
    const cfg = await http('GET', `${proxy.url}/v2/lib/app/blobs/${sha256(img.config)}`);
    assert.equal(cfg.status, 200);
    assert.ok(cfg.body.equals(img.config));
    const cat = await http('GET', `${proxy.url}/v2/_catalog`);
    assert.deepEqual(cat.json(), { repositories: ['lib/app'] });
  });

  it('fetches a blob once for concurrent clients, streaming it to all of them', async () => {
    const layer = img.layers[0]!;
    const path = `/v2/lib/app/blobs/${sha256(layer)}`;
    const all = await Promise.all([0, 1, 2, 3, 4].map(() => http('GET', `${proxy.url}${path}`)));
    for (const r of all) {
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-length'], String(layer.length));
      assert.ok(r.body.equals(layer));
    }
    assert.equal(gets(upstream, path), 1, 'the upstream served the blob once');
    const part = await http('GET', `${proxy.url}${path}`, { headers: { Range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(layer.subarray(100, 200)));
    assert.equal(gets(upstream, path), 1, 'the cached blob is served locally');
  });

  it('answers a range of a blob it has not cached yet', async () => {
    const layer = img.layers[1]!;
    const part = await http('GET', `${proxy.url}/v2/lib/app/blobs/${sha256(layer)}`, { headers: { Range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(layer.subarray(10, 20)));
  });

  it('refuses pushes and deletes with 405 UNSUPPORTED', async () => {
    const data = randomBytes(100);
    const post = await http('POST', `${proxy.url}/v2/lib/app/blobs/uploads/?digest=${sha256(data)}`, { body: data, headers: { 'Content-Length': data.length } });
    assert.equal(post.status, 405);
    assert.equal(errorCode(post), 'UNSUPPORTED');
    const start = await http('POST', `${proxy.url}/v2/lib/app/blobs/uploads/`, { headers: { 'Content-Length': 0 } });
    assert.equal(start.status, 405);
    const put = await http('PUT', `${proxy.url}/v2/lib/app/manifests/v2`, { body: img.manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(put.status, 405);
    const del = await http('DELETE', `${proxy.url}/v2/lib/app/manifests/${img.manifestDigest}`);
    assert.equal(del.status, 405);
    assert.equal(errorCode(del), 'UNSUPPORTED');
  });

  it('keeps the meaning of the upstream 404s', async () => {
    const tag = await http('GET', `${proxy.url}/v2/lib/app/manifests/nope`);
    assert.equal(tag.status, 404);
    assert.equal(errorCode(tag), 'MANIFEST_UNKNOWN');
    const blob = await http('GET', `${proxy.url}/v2/lib/app/blobs/${sha256(randomBytes(8))}`);
    assert.equal(blob.status, 404);
    assert.equal(errorCode(blob), 'BLOB_UNKNOWN');
    const repo = await http('GET', `${proxy.url}/v2/no/such/tags/list`);
    assert.equal(repo.status, 404);
    assert.equal(errorCode(repo), 'NAME_UNKNOWN');
  });

  it('follows a tag the upstream moved, and lists the upstream tags', async () => {
    assert.equal((await pushImage(upstream.url, 'lib/app', img2, 'v1')).status, 201);
    const m = await http('GET', `${proxy.url}/v2/lib/app/manifests/v1`);
    assert.equal(m.status, 200);
    assert.equal(m.headers['docker-content-digest'], img2.manifestDigest);
    assert.deepEqual((await http('GET', `${proxy.url}/v2/lib/app/tags/list`)).json(), { name: 'lib/app', tags: ['v1'] });
  });

  it('serves what it cached with the upstream stopped, and fails fast with 503 for the rest', async () => {
    await upstream.stop();
    const t0 = Date.now();
    const m = await http('GET', `${proxy.url}/v2/lib/app/manifests/v1`);
    assert.equal(m.status, 200, m.body.toString());
    assert.equal(m.headers['docker-content-digest'], img2.manifestDigest);
    const old = await http('GET', `${proxy.url}/v2/lib/app/manifests/${img.manifestDigest}`);
    assert.ok(old.body.equals(img.manifest));
    const layer = await http('GET', `${proxy.url}/v2/lib/app/blobs/${sha256(img.layers[0]!)}`);
    assert.ok(layer.body.equals(img.layers[0]!));
    assert.equal((await http('GET', `${proxy.url}/v2/lib/app/tags/list`)).json<{ tags: string[] }>().tags.join(), 'v1');

    const uncached = await http('GET', `${proxy.url}/v2/lib/app/blobs/${sha256(img2.layers[0]!)}`);
    assert.equal(uncached.status, 503);
    assert.equal(errorCode(uncached), 'UNAVAILABLE');
    const unknownTag = await http('GET', `${proxy.url}/v2/lib/app/manifests/other`);
    assert.equal(unknownTag.status, 503);
    assert.ok(Date.now() - t0 < 10_000, 'an unreachable upstream is an answer within seconds');
  });
});
