// Health checks as a user of the docker CLI meets them: --health-* flags kept in the
// config, the status in ps and inspect, the ps filter, health_status events, timeouts, and
// probes that never hold up stop or rm.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { fails, includes, ok, uniq, waitFor } from '../helpers/assert.js';

interface Health { Status: string; FailingStreak: number; Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }> }

describe('compat: health checks', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const health = async (name: string): Promise<Health | null> =>
    JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .State.Health}}', name]))) as Health | null;
  const psNames = async (...filters: string[]): Promise<string[]> =>
    ok(await d.docker(['ps', '-a', ...filters.flatMap((f) => ['--filter', f]), '--format', '{{.Names}}'])).split('\n').filter(Boolean);
  const statusOf = async (name: string): Promise<string> => ok(await d.docker(['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Status}}'])).trim();
  const waitStatus = (name: string, status: string): Promise<Health> =>
    waitFor(`${name} to be ${status}`, async () => { const h = await health(name); return h?.Status === status && h; }, 15_000, 100);

  it('the --health-* flags are kept in Config.Healthcheck; --no-healthcheck keeps NONE and has no State.Health', async () => {
    const name = uniq('hc-config');
    ok(await d.docker(['create', '--name', name, '--health-cmd', 'true', '--health-interval', '2s', '--health-timeout', '3s',
      '--health-retries', '4', '--health-start-period', '5s', '--health-start-interval', '1s', 'busybox', 'sleep', '60']));
    assert.deepEqual(JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Config.Healthcheck}}', name]))), {
      Test: ['CMD-SHELL', 'true'], Interval: 2e9, Timeout: 3e9, StartPeriod: 5e9, StartInterval: 1e9, Retries: 4,
    });
    const off = uniq('hc-none');
    ok(await d.docker(['run', '-d', '--name', off, '--no-healthcheck', 'busybox', 'sleep', '60']));
    assert.deepEqual(JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Config.Healthcheck}}', off]))), { Test: ['NONE'] });
    assert.equal(await health(off), null);
    assert.match(await statusOf(off), /^Up [^(]*$/);
    assert.ok((await psNames('health=none')).includes(off));
    ok(await d.docker(['rm', '-f', name, off]));
  });

  it('a started container is "starting" until its first probe: ps shows (health: starting) and the filter finds it', async () => {
    const name = uniq('hc-start');
    ok(await d.docker(['run', '-d', '--name', name, '--health-cmd', 'true', '--health-interval', '1m', 'busybox', 'sleep', '60']));
    assert.deepEqual(await health(name), { Status: 'starting', FailingStreak: 0, Log: [] });
    assert.match(await statusOf(name), /^Up .* \(health: starting\)$/);
    assert.ok((await psNames('health=starting')).includes(name));
    assert.ok(!(await psNames('health=none')).includes(name));
    ok(await d.docker(['rm', '-f', name]));
  });

  it('starting, unhealthy after the retries, healthy once the probe passes: in inspect, ps, the ps filter and events', async () => {
    const name = uniq('hc-life');
    const since = Math.floor(Date.now() / 1000) - 1;
    ok(await d.docker(['run', '-d', '--name', name, '--health-cmd', 'test -f /tmp/ok || { echo missing; exit 1; }',
      '--health-interval', '300ms', '--health-retries', '2', 'busybox', 'sleep', '300']));

    const sick = await waitStatus(name, 'unhealthy');
    assert.ok(sick.FailingStreak >= 2, JSON.stringify(sick));
    assert.deepEqual(sick.Log.map((r) => [r.ExitCode, r.Output]).slice(0, 2), [[1, 'missing\n'], [1, 'missing\n']]);
    for (const r of sick.Log) assert.ok(Date.parse(r.End) >= Date.parse(r.Start), JSON.stringify(r));
    assert.match(await statusOf(name), /^Up .* \(unhealthy\)$/);
    assert.ok((await psNames('health=unhealthy')).includes(name));
    assert.ok(!(await psNames('health=healthy')).includes(name));

    ok(await d.docker(['exec', name, 'touch', '/tmp/ok']));
    const well = await waitStatus(name, 'healthy');
    assert.equal(well.FailingStreak, 0);
    assert.match(await statusOf(name), /^Up .* \(healthy\)$/);
    assert.ok((await psNames('health=healthy')).includes(name));

    assert.ok(well.Log.length <= 5, 'the log keeps the last five');

    const until = Math.floor(Date.now() / 1000) + 1;
    const events = ok(await d.docker(['events', '--since', String(since), '--until', String(until), '--filter', `container=${name}`, '--format', '{{.Action}}']));
    const statuses = events.split('\n').filter((a) => a.startsWith('health_status'));
    assert.deepEqual(statuses, ['health_status: unhealthy', 'health_status: healthy']);
    // Docker reports each probe as an exec.
    includes(events, /^exec_create: \/bin\/sh -c test -f \/tmp\/ok/m);
    includes(events, /^exec_die$/m);
    ok(await d.docker(['rm', '-f', name]));
  });

  it('a probe past its timeout fails with exit code -1 and Docker\'s message', async () => {
    const name = uniq('hc-timeout');
    ok(await d.docker(['run', '-d', '--name', name, '--health-cmd', 'sleep 5', '--health-timeout', '200ms',
      '--health-interval', '200ms', '--health-retries', '1', 'busybox', 'sleep', '300']));
    const h = await waitStatus(name, 'unhealthy');
    assert.deepEqual([h.Log[0]!.ExitCode, h.Log[0]!.Output], [-1, 'Health check exceeded timeout (200ms)']);
    assert.ok(Date.parse(h.Log[0]!.End) - Date.parse(h.Log[0]!.Start) < 2000, JSON.stringify(h.Log[0]));
    ok(await d.docker(['rm', '-f', name]));
  });

  it('CMD runs without a shell, output is cut at 4096 bytes, and a restart starts over at starting', async () => {
    const name = uniq('hc-cmd');
    const body = {
      Image: 'busybox', Cmd: ['sleep', '300'],
      Healthcheck: { Test: ['CMD', 'sh', '-c', 'head -c 5000 /dev/zero | tr "\\0" x'], Interval: 300e6 },
    };
    const r = await d.api({ method: 'POST', path: `/containers/create?name=${name}`, body });
    assert.equal(r.status, 201, r.body);
    ok(await d.docker(['start', name]));
    const h = await waitStatus(name, 'healthy');
    assert.equal(h.Log[0]!.Output, `${'x'.repeat(4096)}...`);
    ok(await d.docker(['restart', '-t', '0', name]));
    const after = await health(name);
    assert.equal(after?.Status, 'starting');
    assert.equal(after?.FailingStreak, 0);
    ok(await d.docker(['rm', '-f', name]));
  });

  it('a hanging probe holds up neither exec nor stop nor rm, and dies with its container', async () => {
    const name = uniq('hc-hang');
    // A marker argument, so the probe's process can be found on the host.
    ok(await d.docker(['run', '-d', '--name', name, '--health-cmd', 'sleep 3171', '--health-timeout', '60s',
      '--health-interval', '100ms', 'busybox', 'sleep', '300']));
    const probing = (): boolean => {
      try {
        return execFileSync('pgrep', ['-f', '^sleep 3171$'], { encoding: 'utf8' }).trim() !== '';
      } catch {
        return false;
      }
    };
    await waitFor('the probe to run', async () => probing(), 10_000);
    // Only that exec answers is this test's business (its output is exec's).
    ok(await d.docker(['exec', name, 'true']));
    const t0 = Date.now();
    ok(await d.docker(['stop', '-t', '1', name]));
    assert.ok(Date.now() - t0 < 8000, `stop took ${Date.now() - t0} ms`);
    assert.equal((await health(name))?.Status, 'unhealthy', 'checks stopped read unhealthy, as in Docker');
    await waitFor('the probe to be gone', async () => !probing(), 10_000);
    const t1 = Date.now();
    ok(await d.docker(['start', name]));
    await waitFor('the probe to run again', async () => probing(), 10_000);
    ok(await d.docker(['rm', '-f', name]));
    assert.ok(Date.now() - t1 < 10_000, `start and rm -f took ${Date.now() - t1} ms`);
    await waitFor('the probe to be gone after rm', async () => !probing(), 10_000);
  });

  it('after a berthd restart a running container\'s checks start over and keep running', async () => {
    const name = uniq('hc-restore');
    ok(await d.docker(['run', '-d', '--name', name, '--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'sleep', '300']));
    await waitStatus(name, 'healthy');
    await d.restart();
    assert.equal((await health(name))?.Status, 'starting', 'health lives in memory');
    await waitStatus(name, 'healthy');
    ok(await d.docker(['rm', '-f', name]));
  });

  it('ps --filter health= refuses a value Docker does not know', async () => {
    const r = await d.docker(['ps', '--filter', 'health=sick']);
    fails(r);
    includes(r.stderr, 'Unrecognised filter value for health: sick', r);
  });
});
