import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specInputOf } from './spec-input.js';
import { initialRunState, type ContainerRecord } from './model.js';
import type { StartContext } from './steps/types.js';

const rec = (over: Partial<ContainerRecord> = {}): ContainerRecord => ({
  id: 'c'.repeat(64), name: 'x', created: '2026-01-01T00:00:00Z', imageRef: 'busybox', imageId: 'sha256:' + 'a'.repeat(64),
  path: 'sh', args: [], config: { Env: ['PATH=/bin'] }, hostConfig: { NetworkMode: 'bridge' }, state: initialRunState(), runtime: 'runc',
  restartCount: 0, logPath: '/l', hostnamePath: '/h', hostsPath: '/hs', resolvConfPath: '/r', hasBeenStarted: false, mounts: [], ...over,
});

/** What the start steps hand the spec step: a mounted rootfs and a sandbox. */
const started = (r: ContainerRecord): StartContext => ({ rec: r, bundleDir: '/b', rootfs: '/rootfs', mounts: [], network: { mode: 'private' } });

test('bare env names never reach the runtime', () => {
  const input = specInputOf(started(rec({ config: { Env: ['PATH=/bin', 'UNSET_VAR', 'EMPTY='] } })));
  assert.deepEqual(input.env, ['PATH=/bin', 'EMPTY=']);
});

test('device cgroup rules, cpuset mems and the real-time budget reach the spec input', () => {
  const input = specInputOf(started(rec({ hostConfig: { NetworkMode: 'bridge', DeviceCgroupRules: ['c 42:* rmw'], CpusetMems: '0', CpuRealtimePeriod: 1_000_000, CpuRealtimeRuntime: 950_000 } })));
  assert.deepEqual(input.deviceCgroupRules, ['c 42:* rmw']);
  assert.equal(input.cpusetMems, '0');
  assert.equal(input.cpuRealtimePeriod, 1_000_000);
  assert.equal(input.cpuRealtimeRuntime, 950_000);
});
