import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerStatsResponse } from '../../api/stats.js';
import { cpuPercent, memoryUsed, placeholderRow, statsRow } from './stats-row.js';

const cpu = (total: number, system: number): ContainerStatsResponse['cpu_stats'] => ({
  cpu_usage: { total_usage: total, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: system, online_cpus: 2,
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
});

const FRAME: ContainerStatsResponse = {
  read: '', preread: '', pids_stats: { current: 3 }, num_procs: 0, storage_stats: {},
  blkio_stats: {
    io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'Read', value: 4_500_000 }, { major: 8, minor: 0, op: 'Write', value: 1000 }, { major: 8, minor: 0, op: 'Total', value: 4_501_000 }],
    io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null,
    io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
  },
  cpu_stats: cpu(2_000_000, 20_000_000_000), precpu_stats: cpu(1_000_000, 19_000_000_000),
  memory_stats: { usage: 340_000, stats: { total_inactive_file: 7_000 }, limit: 64 * 1024 * 1024 },
  name: '/web', id: '6fca04554f5bab4770101b9b9801303051485726a2228c9f402274939e539d06',
  networks: { eth0: { rx_bytes: 1500, rx_packets: 1, rx_errors: 0, rx_dropped: 0, tx_bytes: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 0 } },
};

describe('stats rows', () => {
  it("computes docker's CPU % from the frame and its precpu", () => {
    assert.equal(cpuPercent(FRAME), 0.2);
    assert.equal(cpuPercent({ ...FRAME, precpu_stats: FRAME.cpu_stats }), 0);
  });
  it('leaves reclaimable page cache out of memory use (v1 and v2 keys)', () => {
    assert.equal(memoryUsed(FRAME), 333_000);
    assert.equal(memoryUsed({ ...FRAME, memory_stats: { usage: 100, stats: { inactive_file: 40 } } }), 60);
  });
  it("formats the columns as docker does", () => {
    assert.deepEqual(statsRow('web', FRAME, { noTrunc: false }), {
      Container: 'web', Name: 'web', ID: '6fca04554f5b', CPUPerc: '0.20%', MemUsage: '325.2KiB / 64MiB', MemPerc: '0.50%',
      NetIO: '1.5kB / 0B', BlockIO: '4.5MB / 1kB', PIDs: '3',
    });
    assert.equal(placeholderRow('web', { noTrunc: false }).CPUPerc, '--');
  });
});
