import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourcesDocument } from './update.js';

describe('runtime update document', () => {
  it('carries only the fields given, in OCI names', () => {
    assert.deepEqual(resourcesDocument({ memory: 33554432, memorySwap: 67108864, cpuQuota: 50000, cpuPeriod: 100000, pidsLimit: -1 }), {
      memory: { limit: 33554432, swap: 67108864 },
      cpu: { quota: 50000, period: 100000 },
      pids: { limit: -1 },
    });
    assert.deepEqual(resourcesDocument({ blkioWeight: 300, cpusetCpus: '0' }), { cpu: { cpus: '0' }, blockIO: { weight: 300 } });
    assert.deepEqual(resourcesDocument({}), {});
  });
});
