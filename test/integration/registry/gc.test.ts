// `berth registry gc` while the registry serves the same root: a dry run that changes nothing,
// a run that frees exactly the unreferenced blobs (and, with --delete-untagged, the untagged
// manifests), and push loops racing gc loops after which every image a push was told is stored
// still pulls completely.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run, type RunResult } from '../../helpers/exec.js';
import { berthBin } from '../../helpers/paths.js';
import { skipReason } from '../../helpers/prereq.js';
import { http, makeImage, pushBlob, pushImage, putManifest, sha256, startRegistry, type Registry, type TestImage } from '../../helpers/registry.js';

function gc(reg: Registry, ...flags: string[]): Promise<RunResult> {
  return run(berthBin, ['registry', 'gc', '--root', reg.root, ...flags], { timeoutMs: 30_000 });
}

async function blobStatus(reg: Registry, repo: string, data: Buffer): Promise<number> {
  return (await http('HEAD', `${reg.url}/v2/${repo}/blobs/${sha256(data)}`)).status;
}

/** Pulls `ref` and every blob of its manifest; the manifest must be `img`'s and every blob whole. */
async function assertPulls(reg: Registry, repo: string, ref: string, img: TestImage): Promise<void> {
  const m = await http('GET', `${reg.url}/v2/${repo}/manifests/${ref}`);
  assert.equal(m.status, 200, `${repo}:${ref} ${m.body.toString()}`);
  assert.ok(m.body.equals(img.manifest), `${repo}:${ref} manifest`);
  for (const b of [img.config, ...img.layers]) {
    const r = await http('GET', `${reg.url}/v2/${repo}/blobs/${sha256(b)}`);
    assert.equal(r.status, 200, `${repo}:${ref} blob ${sha256(b)}`);
    assert.ok(r.body.equals(b), `${repo}:${ref} blob bytes`);
  }
}

/**
 * Pushes like a client that skips blobs the registry says it has: HEAD each, upload the missing
 * ones, then the manifest. A manifest refused because a blob just went is pushed again, as a
 * client retries. True when the registry took it.
 */
async function pushLikeAClient(reg: Registry, repo: string, img: TestImage, tag: string, stats: { refused: number; skipped: number }): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    for (const b of [img.config, ...img.layers]) {
      if ((await blobStatus(reg, repo, b)) === 200) {
        stats.skipped++;
        continue;
      }
      const r = await pushBlob(reg.url, repo, b);
      assert.equal(r.status, 201, r.body.toString());
    }
    const put = await putManifest(reg.url, repo, tag, img.manifest);
    if (put.status === 201) return true;
    assert.equal(put.status, 400, put.body.toString());
    assert.match(put.body.toString(), /MANIFEST_BLOB_UNKNOWN/);
    stats.refused++;
  }
  return false;
}

describe('registry: garbage collection while serving', { skip: skipReason({ cli: true }) }, () => {
  let reg: Registry;
  before(async () => { reg = await startRegistry(); });
  after(async () => { await reg?.cleanup(); });

  it('frees unreferenced blobs and untagged manifests, after a dry run that frees nothing', async () => {
    const kept = await makeImage([5_000, 100]);
    const untagged = await makeImage([6_000]);
    const orphan = randomBytes(3_000);
    assert.equal((await pushImage(reg.url, 'gc/kept', kept, 'v1')).status, 201);
    assert.equal((await pushImage(reg.url, 'gc/old', untagged, 'v1')).status, 201);
    assert.equal((await http('DELETE', `${reg.url}/v2/gc/old/manifests/v1`)).status, 202);
    assert.equal((await pushBlob(reg.url, 'gc/kept', orphan)).status, 201);
    // An untagged manifest goes only once it is over a minute old (a push in flight is younger).
    const early = await gc(reg, '--dry-run', '--delete-untagged');
    assert.doesNotMatch(early.stdout, /would delete manifest/);
    const revision = join(reg.root, 'repositories', 'gc', 'old', '_manifests', 'revisions', untagged.manifestDigest.slice(7));
    const old = new Date(Date.now() - 120_000);
    await utimes(revision, old, old);

    const dry = await gc(reg, '--dry-run', '--delete-untagged');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`would delete manifest gc/old@${untagged.manifestDigest}`));
    assert.match(dry.stdout, new RegExp(`would delete blob ${sha256(orphan)}`));
    assert.match(dry.stdout, new RegExp(`would delete blob ${sha256(untagged.layers[0]!)}`));
    assert.equal(await blobStatus(reg, 'gc/kept', orphan), 200);
    assert.equal((await http('HEAD', `${reg.url}/v2/gc/old/manifests/${untagged.manifestDigest}`)).status, 200);

    // Without --delete-untagged the untagged manifest keeps its blobs.
    const plain = await gc(reg);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(await blobStatus(reg, 'gc/kept', orphan), 404);
    assert.equal(await blobStatus(reg, 'gc/old', untagged.layers[0]!), 200);

    const full = await gc(reg, '--delete-untagged');
    assert.equal(full.code, 0, full.stderr);
    assert.equal((await http('HEAD', `${reg.url}/v2/gc/old/manifests/${untagged.manifestDigest}`)).status, 404);
    assert.equal(await blobStatus(reg, 'gc/old', untagged.layers[0]!), 404);
    await assertPulls(reg, 'gc/kept', 'v1', kept);
  });

  it('keeps recently used blobs within the grace period', async () => {
    const orphan = randomBytes(2_000);
    assert.equal((await pushBlob(reg.url, 'gc/grace', orphan)).status, 201);
    const r = await gc(reg, '--grace', '1h');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await blobStatus(reg, 'gc/grace', orphan), 200);
  });

  it('never loses a blob of an image whose push succeeded while gc loops run', async (t) => {
    const images = await Promise.all([0, 1, 2, 3, 4, 5].map(() => makeImage([3_000, 200])));
    const stored = new Map<string, TestImage>();
    let stop = false;
    let gcRuns = 0;
    let blobsFreed = 0;
    const stats = { refused: 0, skipped: 0 };

    const gcLoop = async (): Promise<void> => {
      while (!stop) {
        const r = await gc(reg, '--delete-untagged');
        assert.equal(r.code, 0, r.stderr);
        gcRuns++;
        blobsFreed += Number(/(\d+) blobs deleted/.exec(r.stdout)?.[1] ?? 0);
      }
    };
    // Each pusher pushes its image, deletes it (its blobs become garbage), and pushes it again,
    // skipping the blobs the registry still has: the push a racing gc could break.
    const pusher = async (i: number): Promise<void> => {
      const img = images[i]!;
      const repo = `race/r${i % 2}`;
      const tag = `t${i}`;
      const deadline = Date.now() + 4_000;
      while (Date.now() < deadline) {
        if (!(await pushLikeAClient(reg, repo, img, tag, stats))) continue;
        stored.set(`${repo}:${tag}`, img);
        await assertPulls(reg, repo, tag, img);
        assert.equal((await http('DELETE', `${reg.url}/v2/${repo}/manifests/${img.manifestDigest}`)).status, 202);
        stored.delete(`${repo}:${tag}`);
      }
      if (await pushLikeAClient(reg, repo, img, tag, stats)) stored.set(`${repo}:${tag}`, img);
    };
    const gcs = [gcLoop(), gcLoop()];
    try {
      await Promise.all(images.map((_, i) => pusher(i)));
    } finally {
      stop = true;
      await Promise.allSettled(gcs);
    }
    await Promise.all(gcs);
    t.diagnostic(`gc runs ${gcRuns}, blobs freed ${blobsFreed}, blob uploads skipped ${stats.skipped}, manifests refused for a collected blob ${stats.refused}`);
    assert.ok(gcRuns >= 4, `gc ran ${gcRuns} times`);
    assert.ok(blobsFreed > 0, 'the collections freed the blobs of deleted images while pushes ran');
    assert.equal(stored.size, images.length);
    // One more collection with nothing racing it, then every stored image must pull whole.
    assert.equal((await gc(reg, '--delete-untagged')).code, 0);
    for (const [key, img] of stored) {
      const [repo, tag] = key.split(':') as [string, string];
      await assertPulls(reg, repo, tag, img);
    }
  });
});
