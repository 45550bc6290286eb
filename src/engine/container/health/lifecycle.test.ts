import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statusText, toInspect } from '../../convert/container.js';
import type { ProbeRunner } from '../exec/probe-runner.js';
import { ContainerService } from '../service.js';
import { fakeEngine, type FakeEngine } from '../testing/fakes.js';
import { HealthMonitor } from './monitor.js';

async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Probes that pass while `healthy` is true; `inFlight` holds the one hanging when `hang` is set. */
class Probes implements ProbeRunner {
  healthy = true;
  hang = false;
  signals: AbortSignal[] = [];
  runProbe(_ref: string, _argv: string[], opts: { timeoutMs: number; signal?: AbortSignal }): Promise<{ exitCode: number; output: string; timedOut: boolean }> {
    if (opts.signal) this.signals.push(opts.signal);
    if (this.hang) return new Promise((resolve) => opts.signal?.addEventListener('abort', () => resolve({ exitCode: 137, output: '', timedOut: false })));
    return Promise.resolve({ exitCode: this.healthy ? 0 : 1, output: this.healthy ? 'ok' : 'down', timedOut: false });
  }
}

describe('health checks through the container life cycle (fake runtime)', () => {
  let f: FakeEngine;
  let svc: ContainerService;
  let probes: Probes;
  const engines: FakeEngine[] = [];
  beforeEach(async () => {
    f = await fakeEngine();
    engines.push(f);
    probes = new Probes();
    f.deps.health = new HealthMonitor({ clock: f.clock, probes, events: f.deps.events, log: (m) => f.logs.push(m) });
    svc = new ContainerService(f.deps);
  });
  after(async () => { for (const e of engines) await e.cleanup(); });

  const tick = async (ms: number): Promise<void> => {
    f.clock.advance(ms);
    await settle();
  };
  const create = async (): Promise<string> => (await svc.create({
    Image: 'busybox', Cmd: ['sleep', '1000'], Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Retries: 1 },
  }, 'web')).Id;

  it('start begins at starting; probes make it healthy, then unhealthy, with events; ps and inspect show it', async () => {
    const id = await create();
    assert.equal(svc.health(id), undefined, 'a created container has no health yet');
    await svc.start(id);
    const rec = svc.store.get(id);
    assert.equal(svc.health(id)?.status, 'starting');
    assert.match(statusText(rec, f.clock.now(), svc.health(id)), /^Up .* \(health: starting\)$/);
    await tick(1000);
    assert.equal(svc.health(id)?.status, 'healthy');
    assert.match(statusText(rec, f.clock.now(), svc.health(id)), /^Up .* \(healthy\)$/);
    probes.healthy = false;
    await tick(1000);
    const inspected = toInspect(rec, {}, '1.50', svc.health(id)).State.Health!;
    assert.equal(inspected.Status, 'unhealthy');
    assert.equal(inspected.FailingStreak, 1);
    assert.deepEqual(inspected.Log.map((r) => [r.ExitCode, r.Output]), [[0, 'ok'], [1, 'down']]);
    assert.match(inspected.Log[0]!.Start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.deepEqual(f.events.list.filter((e) => e.startsWith('health')), ['health_status: healthy web', 'health_status: unhealthy web']);
    assert.deepEqual(toInspect(rec, {}, '1.50', svc.health(id)).Config.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Retries: 1 });
  });

  it('pause stops the probes at once, even one that hangs; unpause resumes them', async () => {
    const id = await create();
    await svc.start(id);
    probes.hang = true;
    await tick(1000);
    assert.equal(probes.signals.length, 1);
    await svc.pause(id);
    assert.equal(probes.signals[0]!.aborted, true, 'the hanging probe is killed, not waited for');
    assert.equal(svc.health(id)?.status, 'unhealthy');
    assert.match(statusText(svc.store.get(id), f.clock.now(), svc.health(id)), /\(Paused\)$/, 'ps shows Paused, not the health');
    await tick(5000);
    assert.equal(probes.signals.length, 1, 'no probe while paused');
    probes.hang = false;
    await svc.unpause(id);
    await tick(1000);
    assert.equal(svc.health(id)?.status, 'healthy');
  });

  it('an exit stops the probes and a new start begins at starting again; rm forgets', async () => {
    const id = await create();
    await svc.start(id);
    await tick(1000);
    assert.equal(svc.health(id)?.status, 'healthy');
    f.runtime.exit(id, 0);
    await settle();
    assert.equal(svc.store.get(id).state.status, 'exited');
    assert.equal(svc.health(id)?.status, 'unhealthy', 'Docker reads unhealthy once the checks stopped');
    assert.equal(f.clock.pending, 0, 'no probe timer for an exited container');
    await svc.start(id);
    assert.equal(svc.health(id)?.status, 'starting');
    assert.equal(svc.health(id)?.log.length, 1, 'the log is kept');
    f.runtime.exit(id, 0);
    await settle();
    await svc.remove(id);
    assert.equal(svc.health(id), undefined);
  });
});
