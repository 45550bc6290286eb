import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthConfig } from '../../../api/container.js';
import { ManualClock } from '../../../lib/clock/index.js';
import { rfc3339Nano } from '../../../lib/time/rfc3339.js';
import type { ProbeRunner } from '../exec/probe-runner.js';
import { initialRunState, type ContainerRecord } from '../model.js';
import { RecordedEvents } from '../testing/fakes.js';
import { HealthMonitor } from './monitor.js';

const S = 1e9;

/** A probe runner whose probes the test answers one by one. */
class FakeProbes implements ProbeRunner {
  readonly calls: Array<{ ref: string; argv: string[]; timeoutMs: number; signal?: AbortSignal; answer: (r: { exitCode: number; output?: string; timedOut?: boolean } | Error) => void }> = [];

  runProbe(ref: string, argv: string[], opts: { timeoutMs: number; signal?: AbortSignal }): Promise<{ exitCode: number; output: string; timedOut: boolean }> {
    return new Promise((resolve, reject) => {
      const answer = (r: { exitCode: number; output?: string; timedOut?: boolean } | Error): void => {
        if (r instanceof Error) reject(r);
        else resolve({ exitCode: r.exitCode, output: r.output ?? '', timedOut: !!r.timedOut });
      };
      // A killed probe ends: the real runner resolves once the exec is gone.
      opts.signal?.addEventListener('abort', () => answer({ exitCode: 137, output: '' }));
      this.calls.push({ ref, argv, timeoutMs: opts.timeoutMs, signal: opts.signal, answer });
    });
  }

  get last(): FakeProbes['calls'][number] {
    return this.calls.at(-1)!;
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(healthcheck?: HealthConfig, extra: Partial<ContainerRecord['config']> = {}) {
  const clock = new ManualClock();
  const probes = new FakeProbes();
  const events = new RecordedEvents();
  const logs: string[] = [];
  const monitor = new HealthMonitor({ clock, probes, events, log: (m) => logs.push(m) });
  const rec = {
    id: 'c1'.padEnd(64, '0'), name: 'web', imageRef: 'busybox',
    config: { ...(healthcheck ? { Healthcheck: healthcheck } : {}), ...extra },
    state: { ...initialRunState(), status: 'running', startedAt: rfc3339Nano(clock.now()) },
  } as unknown as ContainerRecord;
  /** Moves the clock, lets the probe's promise chain run, and returns the probes begun. */
  const advance = async (ms: number): Promise<number> => {
    const before = probes.calls.length;
    clock.advance(ms);
    await settle();
    return probes.calls.length - before;
  };
  const answer = async (exitCode: number, output = ''): Promise<void> => {
    probes.last.answer({ exitCode, output });
    await settle();
  };
  return { clock, probes, events, monitor, rec, advance, answer, logs };
}

test('a container without a health check, or with NONE, has no health', () => {
  for (const hc of [undefined, { Test: ['NONE'] }, { Test: [] }]) {
    const { monitor, rec, clock } = setup(hc);
    monitor.containerStarted(rec);
    assert.equal(monitor.health(rec.id), undefined);
    assert.equal(clock.pending, 0, 'no timer for it');
  }
});

test('starting, then healthy after the first pass, one interval after the start', async () => {
  const { monitor, rec, probes, events, advance, answer } = setup({ Test: ['CMD-SHELL', 'test -f /tmp/ok'], Interval: 2 * S });
  monitor.containerStarted(rec);
  assert.deepEqual(monitor.health(rec.id), { status: 'starting', failingStreak: 0, log: [] });
  assert.equal(await advance(1999), 0);
  assert.equal(await advance(1), 1);
  assert.deepEqual(probes.last.argv, ['/bin/sh', '-c', 'test -f /tmp/ok']);
  assert.equal(probes.last.ref, rec.id);
  assert.equal(probes.last.timeoutMs, 30_000, "Docker's default timeout");
  await answer(0, 'ok\n');
  const h = monitor.health(rec.id)!;
  assert.equal(h.status, 'healthy');
  assert.deepEqual(h.log.map((r) => [r.exitCode, r.output]), [[0, 'ok\n']]);
  assert.deepEqual(events.list, [
    'exec_create: /bin/sh -c test -f /tmp/ok web', 'exec_start: /bin/sh -c test -f /tmp/ok web', 'exec_die web', 'health_status: healthy web',
  ], 'the probe is reported as an exec, as Docker does, then the change');
  // The next probe comes an interval after the last one ended, not while it runs.
  assert.equal(await advance(1999), 0);
  assert.equal(await advance(1), 1);
});

test('retries failures in a row make it unhealthy; a pass resets the streak', async () => {
  const { monitor, rec, events, advance, answer } = setup({ Test: ['CMD', 'false'], Interval: S, Retries: 2 });
  monitor.containerStarted(rec);
  await advance(1000);
  await answer(1, 'nope');
  assert.deepEqual([monitor.health(rec.id)!.status, monitor.health(rec.id)!.failingStreak], ['starting', 1]);
  await advance(1000);
  await answer(1);
  assert.deepEqual([monitor.health(rec.id)!.status, monitor.health(rec.id)!.failingStreak], ['unhealthy', 2]);
  await advance(1000);
  await answer(2);
  assert.equal(monitor.health(rec.id)!.failingStreak, 3);
  await advance(1000);
  await answer(0);
  assert.deepEqual([monitor.health(rec.id)!.status, monitor.health(rec.id)!.failingStreak], ['healthy', 0]);
  assert.deepEqual(events.list.filter((e) => e.startsWith('health')), ['health_status: unhealthy web', 'health_status: healthy web'], 'an event per change only');
});

test('the default is three retries and a 30 s interval', async () => {
  const { monitor, rec, advance, answer } = setup({ Test: ['CMD', 'false'] });
  monitor.containerStarted(rec);
  for (let i = 1; i <= 3; i++) {
    assert.equal(await advance(30_000), 1);
    await answer(1);
    assert.equal(monitor.health(rec.id)!.status, i < 3 ? 'starting' : 'unhealthy');
  }
});

test('during the start period failures do not count and probes come at the start interval; a pass ends it', async () => {
  const { monitor, rec, advance, answer } = setup({ Test: ['CMD', 'check'], Interval: 10 * S, StartPeriod: 5 * S, StartInterval: S, Retries: 1 });
  monitor.containerStarted(rec);
  assert.equal(await advance(1000), 1);
  await answer(1);
  assert.deepEqual([monitor.health(rec.id)!.status, monitor.health(rec.id)!.failingStreak], ['starting', 0]);
  assert.equal(await advance(1000), 1, 'the start interval');
  await answer(0);
  assert.equal(monitor.health(rec.id)!.status, 'healthy');
  assert.equal(await advance(1000), 0, 'after a pass the interval, though the start period lasts');
  assert.equal(await advance(9000), 1);
  await answer(1);
  assert.equal(monitor.health(rec.id)!.status, 'unhealthy', 'failures count once a probe passed');
});

test('after the start period failures count and the interval applies', async () => {
  const { monitor, rec, advance, answer } = setup({ Test: ['CMD', 'check'], Interval: 3 * S, StartPeriod: 2 * S, StartInterval: S, Retries: 1 });
  monitor.containerStarted(rec);
  await advance(1000);
  await answer(1);
  await advance(1000);
  await answer(1);
  assert.equal(monitor.health(rec.id)!.status, 'unhealthy', 'this one started at the end of the start period');
  assert.equal(await advance(2999), 0);
  assert.equal(await advance(1), 1);
});

test('a probe past its timeout is killed and fails with exit code -1 and Docker\'s text', async () => {
  const { monitor, rec, probes, advance } = setup({ Test: ['CMD', 'sleep', '60'], Interval: S, Timeout: 1500 * 1e6, Retries: 1 });
  monitor.containerStarted(rec);
  await advance(1000);
  const signal = probes.last.signal!;
  await advance(1499);
  assert.equal(signal.aborted, false);
  await advance(1);
  assert.equal(signal.aborted, true, 'the probe is killed');
  const h = monitor.health(rec.id)!;
  assert.equal(h.status, 'unhealthy');
  assert.deepEqual(h.log.map((r) => [r.exitCode, r.output, r.end - r.start]), [[-1, 'Health check exceeded timeout (1.5s)', 1500]]);
});

test('a runner that reports its own timeout counts the same', async () => {
  const { monitor, rec, probes, advance } = setup({ Test: ['CMD', 'x'], Interval: S, Timeout: 2 * S });
  monitor.containerStarted(rec);
  await advance(1000);
  probes.last.answer({ exitCode: -1, timedOut: true });
  await advance(0);
  assert.deepEqual(monitor.health(rec.id)!.log.map((r) => [r.exitCode, r.output]), [[-1, 'Health check exceeded timeout (2s)']]);
});

test('a probe that cannot run fails with its error as output', async () => {
  const { monitor, rec, probes, advance } = setup({ Test: ['CMD', 'x'], Interval: S });
  monitor.containerStarted(rec);
  await advance(1000);
  probes.last.answer(new Error('container is not running'));
  await advance(0);
  assert.deepEqual(monitor.health(rec.id)!.log.map((r) => [r.exitCode, r.output]), [[-1, 'container is not running']]);
});

test('the log keeps the last five probes, each cut at 4096 bytes', async () => {
  const { monitor, rec, advance, answer } = setup({ Test: ['CMD', 'x'], Interval: S });
  monitor.containerStarted(rec);
  for (let i = 0; i < 7; i++) {
    await advance(1000);
    await answer(i, i === 6 ? 'é'.repeat(3000) : `run ${i}`);
  }
  const log = monitor.health(rec.id)!.log;
  assert.deepEqual(log.slice(0, 4).map((r) => r.exitCode), [2, 3, 4, 5]);
  assert.equal(log[4]!.output, `${'é'.repeat(2048)}...`);
});

test('CMD runs its arguments as they are; CMD-SHELL uses the container\'s Shell', async () => {
  const a = setup({ Test: ['CMD', 'cat', '/tmp/a b'], Interval: S });
  a.monitor.containerStarted(a.rec);
  await a.advance(1000);
  assert.deepEqual(a.probes.last.argv, ['cat', '/tmp/a b']);
  const b = setup({ Test: ['CMD-SHELL', 'echo hi'], Interval: S }, { Shell: ['/bin/bash', '-o', 'pipefail', '-c'] });
  b.monitor.containerStarted(b.rec);
  await b.advance(1000);
  assert.deepEqual(b.probes.last.argv, ['/bin/bash', '-o', 'pipefail', '-c', 'echo hi']);
});

test('an unknown test type never probes and stays starting, as in Docker', async () => {
  const { monitor, rec, advance } = setup({ Test: ['HTTP', 'x'], Interval: S });
  monitor.containerStarted(rec);
  assert.equal(await advance(10_000), 0);
  assert.equal(monitor.health(rec.id)!.status, 'starting');
});

test('pause stops probing without waiting for the probe in flight, and reads unhealthy; unpause resumes', async () => {
  const { monitor, rec, probes, clock, advance, events } = setup({ Test: ['CMD', 'x'], Interval: S });
  monitor.containerStarted(rec);
  await advance(1000);
  const inFlight = probes.last;
  monitor.containerPaused(rec.id);
  assert.equal(inFlight.signal!.aborted, true, 'the probe in flight is killed');
  assert.equal(clock.pending, 0, 'no timer left');
  await settle();
  assert.deepEqual(monitor.health(rec.id), { status: 'unhealthy', failingStreak: 0, log: [] }, 'the killed probe\'s result is dropped');
  assert.deepEqual(events.list.filter((e) => e.startsWith('health')), [], 'no event for it, as in Docker');
  assert.equal(await advance(5000), 0);
  monitor.containerResumed(rec);
  assert.equal(await advance(1000), 1);
  probes.last.answer({ exitCode: 0 });
  await settle();
  assert.equal(monitor.health(rec.id)!.status, 'healthy');
});

test('a restart starts over at starting with a zero streak and keeps the log', async () => {
  const { monitor, rec, clock, advance, answer } = setup({ Test: ['CMD', 'x'], Interval: S, Retries: 1 });
  monitor.containerStarted(rec);
  await advance(1000);
  await answer(1);
  assert.equal(monitor.health(rec.id)!.status, 'unhealthy');
  monitor.containerPaused(rec.id);
  rec.state = { ...rec.state, startedAt: rfc3339Nano(clock.now()) };
  monitor.containerStarted(rec);
  const h = monitor.health(rec.id)!;
  assert.deepEqual([h.status, h.failingStreak, h.log.length], ['starting', 0, 1]);
});

test('remove forgets the container and leaves no timer or probe behind', async () => {
  const { monitor, rec, probes, clock, advance } = setup({ Test: ['CMD', 'x'], Interval: S });
  monitor.containerStarted(rec);
  await advance(1000);
  monitor.containerRemoved(rec.id);
  assert.equal(probes.last.signal!.aborted, true);
  assert.equal(clock.pending, 0);
  assert.equal(monitor.health(rec.id), undefined);
  assert.equal(monitor.active, 0);
  assert.equal(await advance(60_000), 0);
});

test('a probe slower than the interval is never overlapped by the next', async () => {
  const { monitor, rec, probes, advance } = setup({ Test: ['CMD', 'x'], Interval: S, Timeout: 10 * S });
  monitor.containerStarted(rec);
  assert.equal(await advance(1000), 1);
  assert.equal(await advance(5000), 0, 'still running the first');
  probes.last.answer({ exitCode: 0 });
  await settle();
  assert.equal(await advance(999), 0);
  assert.equal(await advance(1), 1);
});
