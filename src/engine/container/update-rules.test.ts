import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerUpdateRequest } from '../../api/stats.js';
import type { HostConfig } from '../../api/container.js';
import { planUpdate } from './update-rules.js';

const HOST = { cpus: 2, blkioWeightSupported: true };
const plan = (req: ContainerUpdateRequest, current: HostConfig = {}, host = HOST): ReturnType<typeof planUpdate> => planUpdate('c1', current, req, host);

function refused(req: ContainerUpdateRequest, kind: string, message: string, current: HostConfig = {}): void {
  assert.throws(() => plan(req, current), (err: Error & { kind?: string }) => {
    assert.equal(err.kind, kind);
    assert.equal(err.message, message);
    return true;
  });
}

describe('update rules', () => {
  it('turns --memory into a live limit with memory+swap following it when swap was left to the default', () => {
    assert.deepEqual(plan({ Memory: 32 << 20 }, { Memory: 64 << 20 }), {
      hostConfig: { Memory: 32 << 20 }, resources: { memory: 32 << 20, memorySwap: 64 << 20 }, warnings: [],
    });
  });
  it('turns --cpus into a CFS quota, and keeps zero fields unchanged', () => {
    const p = plan({ NanoCpus: 500_000_000, Memory: 0, CpuShares: 0, CpusetCpus: '' });
    assert.deepEqual(p.resources, { cpuPeriod: 100000, cpuQuota: 50000 });
    assert.deepEqual(p.hostConfig, { NanoCpus: 500_000_000 });
  });
  it('lifts the pids limit for zero or less', () => {
    assert.deepEqual(plan({ PidsLimit: -1 }).resources, { pidsLimit: -1 });
    assert.deepEqual(plan({ PidsLimit: 50 }).resources, { pidsLimit: 50 });
  });
  it("refuses Docker's bad values with Docker's messages", () => {
    refused({ Memory: 1 }, 'invalid-argument', 'Minimum memory limit allowed is 6MB');
    refused({ Memory: 32 << 20, MemorySwap: 16 << 20 }, 'invalid-argument', 'Minimum memoryswap limit should be larger than memory limit, see usage');
    refused({ MemorySwap: 16 << 20 }, 'invalid-argument', 'Minimum memoryswap limit should be larger than memory limit, see usage', { Memory: 64 << 20 });
    refused({ NanoCpus: 5e9 }, 'invalid-argument', 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available');
    refused({ NanoCpus: 5e8, CpuQuota: 1000 }, 'invalid-argument', 'Conflicting options: Nano CPUs and CPU Quota cannot both be set');
    refused({ CpusetCpus: '7' }, 'invalid-argument', 'Requested CPUs are not available - requested 7, available: 0-1');
    refused({ BlkioWeight: 5 }, 'invalid-argument', 'Range of blkio weight is from 10 to 1000');
    refused({ RestartPolicy: { Name: 'foo' } }, 'invalid-argument', "invalid restart policy: unknown policy 'foo'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
    refused({ Memory: 'x' as unknown as number }, 'invalid-argument', 'json: cannot unmarshal string into Go struct field UpdateConfig.Memory of type int64');
  });
  it('refuses values that clash with the current settings as a conflict naming the container', () => {
    refused({ Memory: 200 << 20 }, 'conflict', 'Cannot update container c1: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time', { Memory: 64 << 20, MemorySwap: 128 << 20 });
    refused({ RestartPolicy: { Name: 'always' } }, 'conflict', 'Cannot update container c1: Restart policy cannot be updated because AutoRemove is enabled for the container', { AutoRemove: true });
  });
  it('accepts "no" as the restart policy of an auto-remove container', () => {
    assert.deepEqual(plan({ RestartPolicy: { Name: 'no' } }, { AutoRemove: true }).hostConfig, { RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } });
  });
  it('discards a block-I/O weight the host cannot apply, with Docker\'s warning', () => {
    const p = planUpdate('c1', {}, { BlkioWeight: 300 }, { cpus: 2, blkioWeightSupported: false });
    assert.deepEqual(p.resources, {});
    assert.deepEqual(p.warnings, ['Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.']);
  });
});
