import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourcesOf } from './resources.js';
import type { SpecInput } from '../types.js';

const base: SpecInput = { id: 'x', rootfs: '/r', args: ['sh'], env: [], cwd: '/', user: '', hostname: 'h', tty: false, openStdin: false, networkMode: 'none', cgroupsPath: '/berth/x' };

test('cpuset mems and the real-time budget land in the OCI cpu resources', () => {
  const r = resourcesOf({ ...base, cpusetMems: '0', cpuRealtimePeriod: 1_000_000, cpuRealtimeRuntime: 950_000 });
  assert.deepEqual(r.cpu, { mems: '0', realtimePeriod: 1_000_000, realtimeRuntime: 950_000 });
});

test('unset real-time values add nothing', () => {
  assert.equal(resourcesOf({ ...base, cpuRealtimePeriod: 0, cpuRealtimeRuntime: 0 }).cpu, undefined);
});
