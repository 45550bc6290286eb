// What docker shows of mounts and of the states between running and gone: inspect's Mounts
// lists -v and --mount alike, a container waiting out its restart back-off is "restarting".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { ok, uniq, waitFor } from '../helpers/assert.js';

describe('compat: mounts and states in inspect and ps', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  it('inspect lists -v binds and --mount binds and tmpfs, as Docker does', async () => {
    const src = mkdtempSync(join(tmpdir(), 'berth-mnt-'));
    const name = uniq('mounts');
    ok(await d.docker(['create', '--name', name, '-v', `${src}:/ro:ro`, '--mount', `type=bind,src=${src},dst=/rw`,
      '--mount', 'type=tmpfs,dst=/scratch', '--tmpfs', '/run', 'busybox', 'true']));
    const mounts = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', name]))) as unknown[];
    assert.deepEqual(mounts, [
      { Type: 'bind', Source: src, Destination: '/ro', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'bind', Source: src, Destination: '/rw', Mode: '', RW: true, Propagation: 'rprivate' },
      { Type: 'tmpfs', Source: '', Destination: '/scratch', Mode: '', RW: true, Propagation: '' },
    ]);
    ok(await d.docker(['rm', name]));
    rmSync(src, { recursive: true, force: true });
  });

  it('a container waiting out its restart back-off is "restarting", and rm without -f refuses it', async () => {
    const name = uniq('restarting');
    ok(await d.docker(['run', '-d', '--name', name, '--restart', 'always', 'busybox', 'sh', '-c', 'exit 1']));
    // The back-off doubles with each quick exit, so the container soon spends most time waiting.
    const status = await waitFor('restarting in ps', async () => {
      const s = ok(await d.docker(['ps', '--filter', `name=${name}`, '--format', '{{.Status}}'])).trim();
      return /^Restarting \(1\) /.test(s) ? s : undefined;
    }, 30_000, 20);
    assert.match(status, /ago$/);
    const inspected = await waitFor('restarting in inspect', async () => {
      const s = ok(await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Restarting}} {{.State.Running}}', name])).trim();
      return s.startsWith('restarting') ? s : undefined;
    }, 30_000, 20);
    assert.equal(inspected, 'restarting true true');
    // With "always" it is never just exited: running or restarting, rm without -f refuses.
    const rm = await d.docker(['rm', name]);
    assert.notEqual(rm.code, 0, 'rm without -f removed an active container');
    assert.match(rm.stderr, /container is (restarting|running): stop the container before removing or force remove/);
    ok(await d.docker(['rm', '-f', name]));
  });
});
