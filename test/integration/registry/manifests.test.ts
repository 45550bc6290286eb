// The berth registry's manifest, tag, catalog and referrers APIs over HTTP, and offline gc.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { berth } from '../../helpers/exec.js';
import { skipReason } from '../../helpers/prereq.js';
import { http, makeImage, pushBlob, pushImage, putManifest, sha256, startRegistry, type HttpResult, type Registry } from '../../helpers/registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

function errorCode(r: HttpResult): string | undefined {
  return r.json<{ errors: Array<{ code: string }> }>().errors[0]?.code;
}

function index(mediaType: string, children: Array<{ digest: string; size: number; mediaType: string }>, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: children.map((c) => ({ ...c, platform: { architecture: 'amd64', os: 'linux' } })), ...extra }));
}

describe('registry: manifests, tags, catalog, referrers', { skip: skipReason({ cli: true }) }, () => {
  let reg: Registry;
  before(async () => { reg = await startRegistry(); });
  after(async () => { await reg?.cleanup(); });

  it('stores an OCI manifest by tag and serves it by tag and by digest, bytes unchanged', async () => {
    const img = await makeImage([1000, 2000]);
    const put = await pushImage(reg.url, 'app/web', img, 'v1');
    assert.equal(put.status, 201, put.body.toString());
    assert.equal(put.headers['docker-content-digest'], img.manifestDigest);
    assert.equal(put.headers.location, `/v2/app/web/manifests/${img.manifestDigest}`);
    for (const ref of ['v1', img.manifestDigest]) {
      const get = await http('GET', `${reg.url}/v2/app/web/manifests/${ref}`, { headers: { Accept: OCI_MANIFEST } });
      assert.equal(get.status, 200);
      assert.equal(get.headers['content-type'], OCI_MANIFEST);
      assert.equal(get.headers['docker-content-digest'], img.manifestDigest);
      assert.ok(get.body.equals(img.manifest));
      const head = await http('HEAD', `${reg.url}/v2/app/web/manifests/${ref}`);
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String(img.manifest.length));
      assert.equal(head.headers['docker-content-digest'], img.manifestDigest);
    }
  });

  it('stores Docker schema 2 manifests and lists, and OCI indexes, pushed by digest', async () => {
    const img = await makeImage([300], DOCKER_MANIFEST);
    assert.equal((await pushImage(reg.url, 'app/docker', img, img.manifestDigest)).status, 201);
    const list = index(DOCKER_LIST, [{ mediaType: DOCKER_MANIFEST, digest: img.manifestDigest, size: img.manifest.length }]);
    const putList = await putManifest(reg.url, 'app/docker', 'multi', list);
    assert.equal(putList.status, 201, putList.body.toString());
    const get = await http('GET', `${reg.url}/v2/app/docker/manifests/multi`);
    assert.equal(get.headers['content-type'], DOCKER_LIST);
    const oci = index(OCI_INDEX, [{ mediaType: DOCKER_MANIFEST, digest: img.manifestDigest, size: img.manifest.length }]);
    assert.equal((await putManifest(reg.url, 'app/docker', sha256(oci), oci)).status, 201);
    // ?tag= on a push by digest tags it too.
    const tagged = await http('PUT', `${reg.url}/v2/app/docker/manifests/${sha256(list)}?tag=a&tag=b`, { body: list, headers: { 'Content-Type': DOCKER_LIST } });
    assert.equal(tagged.status, 201);
    assert.equal((await http('HEAD', `${reg.url}/v2/app/docker/manifests/b`)).headers['docker-content-digest'], sha256(list));
  });

  it('refuses a manifest whose blobs or children are not in the repository (MANIFEST_BLOB_UNKNOWN)', async () => {
    const img = await makeImage([100]);
    await pushBlob(reg.url, 'app/missing', img.config);
    const r = await putManifest(reg.url, 'app/missing', 'v1', img.manifest);
    assert.equal(r.status, 400);
    assert.equal(errorCode(r), 'MANIFEST_BLOB_UNKNOWN');
    // A blob in another repository does not count.
    await pushBlob(reg.url, 'app/other', img.layers[0]!);
    assert.equal(errorCode(await putManifest(reg.url, 'app/missing', 'v1', img.manifest)), 'MANIFEST_BLOB_UNKNOWN');
    const idx = index(OCI_INDEX, [{ mediaType: OCI_MANIFEST, digest: img.manifestDigest, size: img.manifest.length }]);
    assert.equal(errorCode(await putManifest(reg.url, 'app/missing', 'idx', idx)), 'MANIFEST_BLOB_UNKNOWN');
    assert.equal((await http('GET', `${reg.url}/v2/app/missing/manifests/v1`)).status, 404);
  });

  it('refuses what is not a manifest of its Content-Type (MANIFEST_INVALID), a wrong digest, and more than 4 MiB (413)', async () => {
    const img = await makeImage([100]);
    await pushImage(reg.url, 'app/bad', img, 'ok');
    const put = (body: Buffer | string, type: string, ref = 'x') => http('PUT', `${reg.url}/v2/app/bad/manifests/${ref}`, { body, headers: { 'Content-Type': type } });
    for (const [body, type] of [
      ['{not json', OCI_MANIFEST],
      [JSON.stringify({ schemaVersion: 1 }), OCI_MANIFEST],
      [img.manifest.toString(), DOCKER_MANIFEST],
      [img.manifest.toString(), OCI_INDEX],
      [JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x', digest: 'sha256:1', size: 1 }, layers: [] }), OCI_MANIFEST],
    ] as const) {
      const r = await put(body, type);
      assert.equal(r.status, 400, body);
      assert.equal(errorCode(r), 'MANIFEST_INVALID', body);
    }
    const wrong = await put(img.manifest, OCI_MANIFEST, sha256('other'));
    assert.equal(wrong.status, 400);
    assert.equal(errorCode(wrong), 'DIGEST_INVALID');
    const big = await put(Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), OCI_MANIFEST);
    assert.equal(big.status, 413);
    assert.equal(errorCode(big), 'MANIFEST_INVALID');
    // Without a Content-Length the limit holds as the bytes arrive.
    const streamed = await http('PUT', `${reg.url}/v2/app/bad/manifests/x`, { body: Readable.from((function* () { for (let i = 0; i < 80; i++) yield Buffer.alloc(64 * 1024, 0x20); })()), headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(streamed.status, 413);
    assert.equal((await http('GET', `${reg.url}/v2/app/bad/manifests/x`)).status, 404);
  });

  it('answers MANIFEST_UNKNOWN and NAME_UNKNOWN', async () => {
    const r = await http('GET', `${reg.url}/v2/app/web/manifests/nope`);
    assert.equal(r.status, 404);
    assert.equal(errorCode(r), 'MANIFEST_UNKNOWN');
    const byDigest = await http('GET', `${reg.url}/v2/app/web/manifests/${sha256('nope')}`);
    assert.equal(errorCode(byDigest), 'MANIFEST_UNKNOWN');
    const noRepo = await http('GET', `${reg.url}/v2/no/such/manifests/latest`);
    assert.equal(noRepo.status, 404);
    assert.equal(errorCode(noRepo), 'NAME_UNKNOWN');
    const tags = await http('GET', `${reg.url}/v2/no/such/tags/list`);
    assert.equal(tags.status, 404);
    assert.equal(errorCode(tags), 'NAME_UNKNOWN');
  });

  it('deletes a tag, then a manifest by digest with every tag on it', async () => {
    const img = await makeImage([50]);
    await pushImage(reg.url, 'app/del', img, 't1');
    await putManifest(reg.url, 'app/del', 't2', img.manifest);
    await putManifest(reg.url, 'app/del', 't3', img.manifest);
    assert.equal((await http('DELETE', `${reg.url}/v2/app/del/manifests/t1`)).status, 202);
    assert.equal((await http('GET', `${reg.url}/v2/app/del/manifests/t1`)).status, 404);
    assert.equal((await http('GET', `${reg.url}/v2/app/del/manifests/t2`)).status, 200);
    assert.equal((await http('DELETE', `${reg.url}/v2/app/del/manifests/${img.manifestDigest}`)).status, 202);
    for (const ref of ['t2', 't3', img.manifestDigest]) assert.equal((await http('GET', `${reg.url}/v2/app/del/manifests/${ref}`)).status, 404, ref);
    assert.deepEqual((await http('GET', `${reg.url}/v2/app/del/tags/list`)).json(), { name: 'app/del', tags: [] });
    assert.equal((await http('DELETE', `${reg.url}/v2/app/del/manifests/${img.manifestDigest}`)).status, 404);
  });

  it('lists tags in order with n/last pagination and a Link header', async () => {
    const img = await makeImage([10]);
    const tags = ['b', 'a', 'C', '1.0', 'latest', 'z_9'];
    await pushImage(reg.url, 'app/tags', img, tags[0]!);
    for (const t of tags.slice(1)) await putManifest(reg.url, 'app/tags', t, img.manifest);
    const sorted = [...tags].sort();
    assert.deepEqual((await http('GET', `${reg.url}/v2/app/tags/tags/list`)).json(), { name: 'app/tags', tags: sorted });
    const seen: string[] = [];
    let next: string | undefined = '/v2/app/tags/tags/list?n=4';
    let pages = 0;
    while (next) {
      const r = await http('GET', reg.url + next);
      seen.push(...r.json<{ tags: string[] }>().tags);
      const link = r.headers.link as string | undefined;
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : undefined;
      pages++;
    }
    assert.deepEqual(seen, sorted);
    assert.equal(pages, 2);
    const zero = await http('GET', `${reg.url}/v2/app/tags/tags/list?n=0`);
    assert.deepEqual(zero.json<{ tags: string[] }>().tags, []);
    assert.equal(zero.headers.link, undefined);
    assert.deepEqual((await http('GET', `${reg.url}/v2/app/tags/tags/list?last=b`)).json<{ tags: string[] }>().tags, sorted.filter((t) => t > 'b'));
  });

  it('lists repositories in the catalog with pagination', async () => {
    const all = (await http('GET', `${reg.url}/v2/_catalog`)).json<{ repositories: string[] }>().repositories;
    for (const r of ['app/web', 'app/docker', 'app/tags']) assert.ok(all.includes(r), r);
    assert.deepEqual(all, [...all].sort());
    const first = await http('GET', `${reg.url}/v2/_catalog?n=2`);
    assert.deepEqual(first.json<{ repositories: string[] }>().repositories, all.slice(0, 2));
    assert.equal(first.headers.link, `</v2/_catalog?n=2&last=${encodeURIComponent(all[1]!)}>; rel="next"`);
  });

  it('records a manifest with a subject for the referrers API, with artifactType filtering', async () => {
    const img = await makeImage([10]);
    await pushImage(reg.url, 'app/ref', img, 'v1');
    const subject = { mediaType: OCI_MANIFEST, digest: img.manifestDigest, size: img.manifest.length };
    const empty = Buffer.from('{}');
    await pushBlob(reg.url, 'app/ref', empty);
    const artifact = (type: string, note: string) => Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: type,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 },
      layers: [], subject, annotations: { note },
    }));
    const sbom = artifact('application/vnd.example.sbom', 's');
    const sig = artifact('application/vnd.example.sig', 'g');
    for (const m of [sbom, sig]) {
      const r = await putManifest(reg.url, 'app/ref', sha256(m), m);
      assert.equal(r.status, 201, r.body.toString());
      assert.equal(r.headers['oci-subject'], img.manifestDigest);
    }
    // An index with a subject and no artifactType is listed without one.
    const idx = index(OCI_INDEX, [], { subject });
    assert.equal((await putManifest(reg.url, 'app/ref', sha256(idx), idx)).status, 201);

    const all = await http('GET', `${reg.url}/v2/app/ref/referrers/${img.manifestDigest}`);
    assert.equal(all.status, 200);
    assert.equal(all.headers['content-type'], OCI_INDEX);
    const list = all.json<{ mediaType: string; manifests: Array<Record<string, unknown>> }>();
    assert.equal(list.mediaType, OCI_INDEX);
    assert.equal(list.manifests.length, 3);
    const bySig = list.manifests.find((d) => d.digest === sha256(sig))!;
    assert.deepEqual(bySig, { mediaType: OCI_MANIFEST, digest: sha256(sig), size: sig.length, artifactType: 'application/vnd.example.sig', annotations: { note: 'g' } });
    assert.equal(list.manifests.find((d) => d.digest === sha256(idx))!.artifactType, undefined);

    const filtered = await http('GET', `${reg.url}/v2/app/ref/referrers/${img.manifestDigest}?artifactType=application/vnd.example.sbom`);
    assert.equal(filtered.headers['oci-filters-applied'], 'artifactType');
    assert.deepEqual(filtered.json<{ manifests: Array<{ digest: string }> }>().manifests.map((d) => d.digest), [sha256(sbom)]);

    // Deleting a referrer takes it out of the list; a subject nobody refers to gets an empty index.
    assert.equal((await http('DELETE', `${reg.url}/v2/app/ref/manifests/${sha256(sbom)}`)).status, 202);
    const afterDelete = await http('GET', `${reg.url}/v2/app/ref/referrers/${img.manifestDigest}`);
    assert.equal(afterDelete.json<{ manifests: unknown[] }>().manifests.length, 2);
    const none = await http('GET', `${reg.url}/v2/app/ref/referrers/${sha256('x')}`);
    assert.equal(none.status, 200);
    assert.deepEqual(none.json<{ manifests: unknown[] }>().manifests, []);
    assert.equal((await http('GET', `${reg.url}/v2/app/ref/referrers/sha256:zz`)).status, 400);
  });

  it('gc deletes only the blobs no manifest references (offline)', async () => {
    const keep = await makeImage([100, 200]);
    await pushImage(reg.url, 'gc/img', keep, 'v1');
    const orphan = Buffer.from('orphan blob');
    await pushBlob(reg.url, 'gc/img', orphan);
    const gone = await makeImage([30]);
    await pushImage(reg.url, 'gc/gone', gone, 'v1');
    await http('DELETE', `${reg.url}/v2/gc/gone/manifests/${gone.manifestDigest}`);
    await reg.stop();

    const dry = await berth(['registry', 'gc', '--root', reg.root, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`would delete blob ${sha256(orphan)}`));
    const run = await berth(['registry', 'gc', '--root', reg.root]);
    assert.equal(run.code, 0, run.stderr);
    for (const d of [sha256(orphan), gone.manifestDigest, sha256(gone.layers[0]!), sha256(gone.config)]) assert.match(run.stdout, new RegExp(`deleted blob ${d}`));

    await reg.restart();
    assert.equal((await http('HEAD', `${reg.url}/v2/gc/img/blobs/${sha256(orphan)}`)).status, 404);
    for (const b of [keep.config, ...keep.layers]) assert.equal((await http('HEAD', `${reg.url}/v2/gc/img/blobs/${sha256(b)}`)).status, 200);
    assert.ok((await http('GET', `${reg.url}/v2/gc/img/manifests/v1`)).body.equals(keep.manifest));
    assert.ok((await http('GET', `${reg.url}/v2/app/web/manifests/v1`)).status === 200);
  });
});
