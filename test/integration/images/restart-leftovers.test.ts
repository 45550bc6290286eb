import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ok, waitFor } from '../../helpers/assert.js';
import { daemonNeeds, skipReason, startDaemon, type Daemon } from '../../helpers/daemon.js';

/** A layer of `n` files the way a kill -9 during its removal leaves it: renamed aside, half deleted. */
async function leftoverLayer(dir: string, n: number): Promise<void> {
  await mkdir(join(dir, 'diff'), { recursive: true });
  await writeFile(join(dir, 'layer.json'), JSON.stringify({ chainId: `sha256:${'d'.repeat(64)}`, diffId: `sha256:${'d'.repeat(64)}`, size: n }));
  for (let d = 0; d < n / 1000; d++) {
    await mkdir(join(dir, 'diff', String(d)));
    await Promise.all(Array.from({ length: 1000 }, (_, i) => writeFile(join(dir, 'diff', String(d), String(i)), 'x')));
  }
}

describe('integration: leftovers of a removal cut short by kill -9', { skip: skipReason({ ...daemonNeeds, docker: true }) }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  it('berthd serves at once after the restart and deletes the leftovers in the background', async (t) => {
    ok(await d.docker(['images']));
    await d.kill9();
    const overlay = join(d.dataRoot, 'overlay');
    // Old layout (tmp/) and new one (trash/): both are what a crash mid-removal leaves.
    await leftoverLayer(join(overlay, 'tmp', `${'d'.repeat(64)}-removing-0123456789abcdef`), 20_000);
    await leftoverLayer(join(overlay, 'trash', 'layer-ffff'), 5_000);
    const t0 = Date.now();
    await d.restart();
    const startMs = Date.now() - t0;
    // The leftover was never taken for a layer, and the daemon works while it is deleted.
    assert.match(ok(await d.docker(['run', '--rm', 'busybox', 'echo', 'up'])), /^up$/m);
    await waitFor('leftovers deleted', async () => (await readdir(join(overlay, 'tmp'))).length === 0 && (await readdir(join(overlay, 'trash'))).length === 0, 120_000, 200);
    const doneMs = Date.now() - t0;
    t.diagnostic(`restart with 25,000 leftover files: serving after ${startMs} ms, leftovers gone after ${doneMs} ms`);
  });
});
