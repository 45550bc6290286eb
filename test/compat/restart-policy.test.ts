// --restart: Docker's growing back-off, bad policies refused, and berthd bringing containers
// back when it boots (after SIGTERM and after kill -9, their processes killed meanwhile).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, isProcessAlive, ok, uniq, waitFor } from '../helpers/assert.js';

describe('compat: restart policies', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const inspect = async (format: string, name: string) => ok(await d.docker(['inspect', '-f', format, name])).trim();

  it('bad policies are Docker\'s 400 and leave nothing behind', async () => {
    const cases: Array<[unknown, string]> = [
      [{ Name: 'bogus' }, "invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"],
      [{ Name: 'on-failure', MaximumRetryCount: -1 }, 'invalid restart policy: maximum retry count cannot be negative'],
      [{ Name: 'always', MaximumRetryCount: 3 }, "invalid restart policy: maximum retry count can only be used with 'on-failure'"],
    ];
    for (const [policy, message] of cases) {
      const res = await d.api({ method: 'POST', path: `/containers/create?name=${uniq('rp')}`, body: { Image: 'busybox', Cmd: ['true'], HostConfig: { RestartPolicy: policy } } });
      assert.equal(res.status, 400, res.body);
      assert.equal(res.json<{ message: string }>().message, message);
    }
    const r = await d.docker(['run', '-d', '--restart', 'always', '--rm', 'busybox', 'true']);
    exitsWith(r, 125);
    assert.equal(ok(await d.docker(['ps', '-aq'])), '');
  });

  it('a container that keeps failing restarts with a growing delay', async () => {
    const name = uniq('flap');
    ok(await d.docker(['run', '-d', '--name', name, '--restart', 'on-failure', 'busybox', 'sh', '-c', 'date +%s%N >> /tmp/starts; exit 1']));
    // 100, 200, 400, 800 ms of back-off, each plus the time a start takes.
    // The start events themselves are what is timed: wait until five of them are in.
    let starts: number[] = [];
    await waitFor('five starts', async () => {
      const events = ok(await d.docker(['events', '--since', '60s', '--until', '0s', '--filter', `container=${name}`, '--filter', 'event=start', '--format', '{{.TimeNano}}']));
      starts = events.trim().split('\n').filter(Boolean).map(Number);
      return starts.length >= 5;
    }, 30_000);
    const gaps = starts.slice(1).map((t, i) => (t - starts[i]!) / 1e6);
    // Each gap is the back-off plus the start itself; the back-off doubles.
    assert.ok(gaps[3]! > gaps[0]! + 500 && gaps[3]! > gaps[1]!, `gaps ${gaps.join(', ')} ms`);
    ok(await d.docker(['stop', '-t', '1', name]));
    const count = await inspect('{{.RestartCount}}', name);
    await sleep(1000);
    assert.equal(await inspect('{{.State.Status}} {{.RestartCount}}', name), `exited ${count}`, 'stop ends the restarts');
  });

  it('on-failure:N gives up after N restarts', async () => {
    const name = uniq('max');
    ok(await d.docker(['run', '-d', '--name', name, '--restart', 'on-failure:2', 'busybox', 'false']));
    await waitFor('the last exit', async () => (await inspect('{{.State.Status}} {{.RestartCount}}', name)) === 'exited 2', 15_000);
    await sleep(1000);
    assert.equal(await inspect('{{.State.Status}} {{.RestartCount}}', name), 'exited 2');
  });

  for (const how of ['SIGTERM', 'kill -9'] as const) {
    it(`after berthd stops (${how}) and the containers die, berthd boots them as their policy says`, async () => {
      const names = { always: uniq('always'), unless: uniq('unless'), unlessStopped: uniq('unless-stopped'), alwaysStopped: uniq('always-stopped'), failure: uniq('onfail'), no: uniq('no') };
      const policy: Record<keyof typeof names, string> = { always: 'always', unless: 'unless-stopped', unlessStopped: 'unless-stopped', alwaysStopped: 'always', failure: 'on-failure', no: 'no' };
      for (const [k, name] of Object.entries(names)) {
        ok(await d.docker(['run', '-d', '--name', name, '--restart', policy[k as keyof typeof names], 'busybox', 'sleep', '600']));
      }
      ok(await d.docker(['stop', '-t', '1', names.unlessStopped, names.alwaysStopped]));
      const pids = await Promise.all([names.always, names.unless, names.failure, names.no].map(async (n) => Number(await inspect('{{.State.Pid}}', n))));
      if (how === 'kill -9') {
        await d.kill9();
      } else {
        const pid = d.pid!;
        process.kill(pid, 'SIGTERM');
        await waitFor('berthd to exit', async () => !isProcessAlive(pid), 20_000);
      }
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      await waitFor('the containers to die', async () => pids.every((p) => !isProcessAlive(p)));
      await d.restart();
      for (const n of [names.always, names.unless, names.failure, names.alwaysStopped]) {
        await waitFor(`${n} running again`, async () => (await inspect('{{.State.Status}}', n)) === 'running', 15_000);
      }
      assert.equal(await inspect('{{.State.Status}}', names.unlessStopped), 'exited', 'a manual stop survives the restart for unless-stopped');
      assert.equal(await inspect('{{.State.Status}} {{.State.ExitCode}}', names.no), 'exited 137');
      includes(ok(await d.docker(['ps', '--format', '{{.Names}}'])), names.always);
      ok(await d.docker(['rm', '-f', ...Object.values(names)]));
    });
  }
});
