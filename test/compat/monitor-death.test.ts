// A container's monitor (conmon) can die under it: killed by a user, the OOM killer, a crash.
// berthd must notice, record an exit, and let stop, wait and restart policies work, instead of
// showing the container Up forever.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { isProcessAlive, ok, waitFor } from '../helpers/assert.js';


describe('compat: a container whose monitor dies', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  const conmonPid = (id: string): number => Number(readFileSync(join(d.dataRoot, 'containers', id, 'bundle', 'conmon.pid'), 'utf8').trim());

  it('shows Exited (137), kills the orphaned process, and wait and stop answer', async () => {
    const id = ok(await d.docker(['run', '-d', '--name', 'orphan', 'busybox', 'sleep', '1000'])).trim();
    const pid = Number(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', id])).trim());
    const waited = d.docker(['wait', id]);
    process.kill(conmonPid(id), 'SIGKILL');
    assert.equal(ok(await waited).trim(), '137');
    assert.match(ok(await d.docker(['ps', '-a', '--filter', 'name=orphan', '--format', '{{.Status}}'])).trim(), /^Exited \(137\) /);
    await waitFor('the container process is gone', async () => !isProcessAlive(pid), 10_000);
    // stop of a stopped container: docker prints the name and succeeds (304 from the daemon).
    assert.equal(ok(await d.docker(['stop', 'orphan'])).trim(), 'orphan');
    ok(await d.docker(['rm', 'orphan']));
  });

  it('the restart policy brings it back', async () => {
    const id = ok(await d.docker(['run', '-d', '--restart', 'on-failure:1', 'busybox', 'sleep', '1000'])).trim();
    const first = conmonPid(id);
    process.kill(first, 'SIGKILL');
    await waitFor('restarted with a new monitor', async () => {
      const out = ok(await d.docker(['inspect', '-f', '{{.State.Status}} {{.RestartCount}}', id])).trim();
      return out === 'running 1' && conmonPid(id) !== first;
    });
    ok(await d.docker(['rm', '-f', id]));
  });
});
