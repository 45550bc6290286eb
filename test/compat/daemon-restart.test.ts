// Containers outlive berthd: after kill -9 and a new daemon on the same roots,
// running containers are still Up and controllable, and one that exited while
// the daemon was down shows its real exit code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { includes, isProcessAlive, ok, waitFor } from '../helpers/assert.js';


describe('compat: daemon restart', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  let survivorPid = 0;

  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('kill -9 of berthd leaves the containers running', async () => {
    ok(await d.docker(['run', '-d', '--name', 'survivor', 'busybox', 'sh', '-c', 'echo before-restart; while :; do sleep 1; done']));
    const dies = ok(await d.docker(['run', '-d', '--name', 'dies', 'busybox', 'sh', '-c', 'sleep 3; exit 42'])).trim();
    ok(await d.docker(['run', '-d', '-i', '--name', 'talker', 'busybox', 'sh', '-c', 'read x; echo got $x; exit 3']));
    await waitFor('survivor output', async () => (await d.docker(['logs', 'survivor'])).stdout.includes('before-restart'));
    survivorPid = Number(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', 'survivor'])).trim());
    assert.ok(survivorPid > 0);

    await d.kill9();
    assert.equal(d.pid, undefined);
    // "dies" exits while nobody is listening but its conmon, which records the exit.
    await waitFor('the exit recorded while berthd is down', async () => existsSync(join(d.execRoot, 'runtime', 'exits', dies)), 15_000);
    assert.ok(isProcessAlive(survivorPid), 'the container process died with the daemon');
  });

  it('a new berthd on the same roots shows the survivor Up', async () => {
    await d.restart();
    const status = ok(await d.docker(['ps', '--filter', 'name=survivor', '--format', '{{.Status}}'])).trim();
    assert.match(status, /^Up /);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', 'survivor'])).trim(), String(survivorPid));
  });

  it('the container that exited while the daemon was down shows Exited with its code', async () => {
    const status = ok(await d.docker(['ps', '-a', '--filter', 'name=dies', '--format', '{{.Status}}'])).trim();
    assert.match(status, /^Exited \(42\) /);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'dies'])).trim(), 'exited 42');
    assert.equal(ok(await d.docker(['wait', 'dies'])).trim(), '42');
  });

  it('logs of the survivor still work after the restart', async () => {
    includes(ok(await d.docker(['logs', 'survivor'])), 'before-restart');
  });

  it('attach and wait work on a container started before the restart', async () => {
    const waited = d.docker(['wait', 'talker']);
    const attached = await d.docker(['attach', 'talker'], { input: 'hello\n' });
    assert.equal(attached.code, 3, attached.stderr);
    includes(attached.stdout, 'got hello');
    assert.equal(ok(await waited).trim(), '3');
  });

  it('stop works on the survivor', async () => {
    ok(await d.docker(['stop', '-t', '1', 'survivor']));
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}}', 'survivor'])).trim(), 'exited');
    await waitFor('container process gone', async () => !isProcessAlive(survivorPid), 10_000);
  });

  it('new containers run after the restart', async () => {
    assert.equal(ok(await d.docker(['run', '--rm', 'busybox', 'echo', 'after-restart'])), 'after-restart\n');
  });
});
