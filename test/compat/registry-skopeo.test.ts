// skopeo, a real registry client, copying images into the berth registry and back out.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run, type RunResult } from '../helpers/exec.js';
import { skipReason } from '../helpers/prereq.js';
import { tmpParent } from '../helpers/paths.js';
import { http, makeImage, sha256, startRegistry, writeOciLayout, type Registry, type TestImage } from '../helpers/registry.js';

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `${r.command}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('compat: skopeo against the berth registry', { skip: skipReason({ cli: true, binaries: ['skopeo'] }) }, () => {
  let reg: Registry;
  let dir: string;
  let img: TestImage;
  const skopeo = (...args: string[]) => run('skopeo', ['--insecure-policy', ...args], { timeoutMs: 60_000 });

  before(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpParent, 'bsko-'));
    img = await makeImage([300_000, 1_500_000, 20, 64_000]);
    await writeOciLayout(join(dir, 'src'), img, 'v1');
  });
  after(async () => {
    await reg?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('copies an OCI layout in and back out unchanged', async () => {
    ok(await skopeo('copy', '--dest-tls-verify=false', `oci:${join(dir, 'src')}:v1`, `docker://${reg.addr}/sk/img:v1`));
    const raw = ok(await skopeo('inspect', '--tls-verify=false', '--raw', `docker://${reg.addr}/sk/img:v1`));
    assert.equal(sha256(raw), img.manifestDigest);
    ok(await skopeo('copy', '--src-tls-verify=false', `docker://${reg.addr}/sk/img:v1`, `oci:${join(dir, 'back')}:v1`));
    const blobs = (await readdir(join(dir, 'back', 'blobs', 'sha256'))).sort();
    assert.deepEqual(blobs, [img.manifest, img.config, ...img.layers].map((b) => sha256(b).slice(7)).sort());
    for (const l of img.layers) assert.ok((await readFile(join(dir, 'back', 'blobs', 'sha256', sha256(l).slice(7)))).equals(l));
  });

  it('copies a docker-archive in as Docker schema 2 and lists its tags', async () => {
    const archive = join(dir, 'img.tar');
    ok(await skopeo('copy', `oci:${join(dir, 'src')}:v1`, `docker-archive:${archive}:sk/archive:v2`));
    ok(await skopeo('copy', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${reg.addr}/sk/archive:v2`));
    const m = JSON.parse(ok(await skopeo('inspect', '--tls-verify=false', '--raw', `docker://${reg.addr}/sk/archive:v2`))) as { mediaType: string; layers: unknown[] };
    assert.equal(m.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(m.layers.length, img.layers.length);
    ok(await skopeo('copy', '--dest-tls-verify=false', '--src-tls-verify=false', `docker://${reg.addr}/sk/archive:v2`, `docker://${reg.addr}/sk/archive:v3`));
    const tags = JSON.parse(ok(await skopeo('list-tags', '--tls-verify=false', `docker://${reg.addr}/sk/archive`))) as { Tags: string[] };
    assert.deepEqual(tags.Tags, ['v2', 'v3']);
    ok(await skopeo('copy', '--src-tls-verify=false', `docker://${reg.addr}/sk/archive:v3`, `docker-archive:${join(dir, 'back.tar')}:sk/archive:v3`));
  });

  it('copies between repositories of the registry and deletes by tag', async () => {
    ok(await skopeo('copy', '--dest-tls-verify=false', '--src-tls-verify=false', `docker://${reg.addr}/sk/img:v1`, `docker://${reg.addr}/other/img:v1`));
    assert.equal((await http('HEAD', `${reg.url}/v2/other/img/manifests/v1`)).headers['docker-content-digest'], img.manifestDigest);
    ok(await skopeo('delete', '--tls-verify=false', `docker://${reg.addr}/other/img:v1`));
    assert.equal((await http('GET', `${reg.url}/v2/other/img/manifests/${img.manifestDigest}`)).status, 404);
    assert.equal((await http('GET', `${reg.url}/v2/sk/img/manifests/v1`)).status, 200);
  });
});
