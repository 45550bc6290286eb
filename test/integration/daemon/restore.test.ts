// What a crash leaves behind is cleaned up when berthd comes back: a created container whose
// start was cut short keeps no mounted rootfs, and the API serves while that cleanup runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { daemonNeeds, mountsUnder, skipReason, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/assert.js';

describe('integration: restore after kill -9', { skip: skipReason(daemonNeeds) }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  it('unmounts the rootfs of a container that is not running', async () => {
    const create = await d.api({ method: 'POST', path: '/containers/create?name=cut-short', body: { Image: 'busybox', Cmd: ['true'] } });
    assert.equal(create.status, 201, create.body);
    const { Id } = create.json<{ Id: string }>();
    await d.kill9();
    // A start cut short by the crash: the rootfs mount exists, the process never ran.
    const merged = join(d.dataRoot, 'overlay', 'snapshots', Id, 'merged');
    execFileSync('mount', ['-t', 'tmpfs', 'leftover', merged]);
    assert.equal(mountsUnder(merged).length, 1);
    await d.restart();
    await waitFor('the leftover rootfs mount is gone', async () => mountsUnder(merged).length === 0, 10_000);
    const inspect = await d.api({ path: `/containers/${Id}/json` });
    assert.equal(inspect.json<{ State: { Status: string } }>().State.Status, 'created');
    // And it still starts.
    assert.equal((await d.api({ method: 'POST', path: `/containers/${Id}/start` })).status, 204);
    const waited = await d.api({ method: 'POST', path: `/containers/${Id}/wait`, timeoutMs: 30_000 });
    assert.equal(waited.json<{ StatusCode: number }>().StatusCode, 0);
  });
});
