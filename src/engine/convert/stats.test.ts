import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatsSample } from '../../runtime/types.js';
import { toStatsFrame, zeroCpuStats, zeroStats } from './stats.js';

const V1: StatsSample = {
  cgroupVersion: 1,
  cpu: { totalNs: 100, perCpuNs: [40, 60], userNs: 10, kernelNs: 20, periods: 0, throttledPeriods: 0, throttledNs: 0 },
  memory: { usage: 4096, maxUsage: 8192, failcnt: 0, limit: undefined, stats: { cache: 0 } },
  pids: { current: 1 },
  blkio: { serviceBytes: [], serviced: [] },
};

const frame = (sample: StatsSample, hostMemory = 1 << 30): ReturnType<typeof toStatsFrame> => toStatsFrame({
  name: 'web', id: 'abc', sample, host: { systemNs: 1000, onlineCpus: 2 }, read: '2026-12-01T00:00:01.000000000Z',
  preread: '2026-12-01T00:00:00.000000000Z', precpu: zeroCpuStats(), hostMemory,
});

describe('stats frames', () => {
  it("is Docker's zero value for a container that is not running", () => {
    // Byte for byte what Docker Engine answers for a created container with stream=false.
    const docker = '{"read":"0001-01-01T00:00:00Z","preread":"0001-01-01T00:00:00Z","pids_stats":{},"blkio_stats":{"io_service_bytes_recursive":null,' +
      '"io_serviced_recursive":null,"io_queue_recursive":null,"io_service_time_recursive":null,"io_wait_time_recursive":null,"io_merged_recursive":null,' +
      '"io_time_recursive":null,"sectors_recursive":null},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":0,' +
      '"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},' +
      '"precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,' +
      '"throttled_periods":0,"throttled_time":0}},"memory_stats":{},"name":"/st","id":"f16f"}';
    assert.equal(JSON.stringify(zeroStats('st', 'f16f')), docker);
  });
  it('has the v1 fields Docker reports, in its order, and the host memory as the limit when there is none', () => {
    const f = frame(V1);
    assert.deepEqual(Object.keys(f), ['read', 'preread', 'pids_stats', 'blkio_stats', 'num_procs', 'storage_stats', 'cpu_stats', 'precpu_stats', 'memory_stats', 'name', 'id']);
    assert.deepEqual(f.cpu_stats.cpu_usage, { total_usage: 100, percpu_usage: [40, 60], usage_in_kernelmode: 20, usage_in_usermode: 10 });
    assert.deepEqual(f.memory_stats, { usage: 4096, max_usage: 8192, stats: { cache: 0 }, limit: 1 << 30 });
    assert.deepEqual(f.blkio_stats.io_queue_recursive, []);
    assert.equal(f.name, '/web');
    assert.equal(frame({ ...V1, memory: { ...V1.memory, limit: 2 ** 31 } }).memory_stats.limit, 1 << 30);
    assert.equal(frame({ ...V1, memory: { ...V1.memory, limit: 64 << 20 } }).memory_stats.limit, 64 << 20);
  });
  it('leaves out the v1-only fields on v2 and adds networks when there are any', () => {
    const f = frame({
      ...V1, cgroupVersion: 2, cpu: { ...V1.cpu, perCpuNs: undefined }, memory: { usage: 10, limit: 100, stats: {} },
      networks: { eth0: { rxBytes: 1, rxPackets: 2, rxErrors: 0, rxDropped: 0, txBytes: 3, txPackets: 4, txErrors: 0, txDropped: 0 } },
    });
    assert.equal('percpu_usage' in f.cpu_stats.cpu_usage, false);
    assert.deepEqual(f.memory_stats, { usage: 10, stats: {}, limit: 100 });
    assert.equal(f.blkio_stats.io_queue_recursive, null);
    assert.deepEqual(f.networks, { eth0: { rx_bytes: 1, rx_packets: 2, rx_errors: 0, rx_dropped: 0, tx_bytes: 3, tx_packets: 4, tx_errors: 0, tx_dropped: 0 } });
  });
});
