import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCgroupLayout } from './layout.js';
import { parseFlatKeyed, parseNetDev, parseProcStat, parseV1Blkio, parseV1Limit, parseV2IoStat } from './parse.js';
import { CgroupStatsReader, cgroupDirsOf } from './reader.js';
import { sampleV1, sampleV2 } from './sample.js';

// A hybrid host (v1 controllers, one per mount, plus a controller-less v2 mount), as Debian 12
// runs in this project's sandbox.
const HYBRID_MOUNTINFO = [
  '30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
  '34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio',
  '38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const V2_MOUNTINFO = '25 20 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot';
const COMBINED_V1_MOUNTINFO = '31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory';

const V1_FILES: Record<string, string> = {
  'memory/memory.usage_in_bytes': '339968\n',
  'memory/memory.max_usage_in_bytes': '3272704\n',
  'memory/memory.failcnt': '0\n',
  'memory/memory.limit_in_bytes': '67108864\n',
  'memory/memory.stat': 'cache 0\nrss 53248\ntotal_inactive_file 4096\nhierarchical_memory_limit 67108864\n',
  'cpuacct/cpuacct.usage_percpu': '5013971 60475103 \n',
  'cpuacct/cpuacct.stat': 'user 3\nsystem 4\n',
  'cpu/cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 5000\n',
  'pids/pids.current': '1\n',
  'pids/pids.max': 'max\n',
  'blkio/blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n',
  'blkio/blkio.throttle.io_serviced_recursive': '8:0 Read 1\n8:0 Write 2\nTotal 3\n',
};

const V2_FILES: Record<string, string> = {
  'cpu.stat': 'usage_usec 65489\nuser_usec 30000\nsystem_usec 35489\nnr_periods 4\nnr_throttled 1\nthrottled_usec 700\n',
  'memory.current': '1048576\n',
  'memory.max': 'max\n',
  'memory.stat': 'anon 53248\nfile 8192\ninactive_file 4096\n',
  'pids.current': '2\n',
  'pids.max': '100\n',
  'io.stat': '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n',
};

describe('cgroup layout', () => {
  it('counts a hybrid host as v1, one mount per controller', () => {
    assert.deepEqual(parseCgroupLayout(HYBRID_MOUNTINFO), {
      version: 1,
      controllers: { cpu: '/sys/fs/cgroup/cpu', cpuacct: '/sys/fs/cgroup/cpuacct', memory: '/sys/fs/cgroup/memory', blkio: '/sys/fs/cgroup/blkio', pids: '/sys/fs/cgroup/pids' },
    });
  });
  it('finds a unified (v2) host', () => {
    assert.deepEqual(parseCgroupLayout(V2_MOUNTINFO), { version: 2, root: '/sys/fs/cgroup' });
  });
  it('maps co-mounted v1 controllers to the same mount', () => {
    const l = parseCgroupLayout(COMBINED_V1_MOUNTINFO);
    assert.equal(l?.version, 1);
    assert.equal(l.version === 1 && l.controllers.cpuacct, '/sys/fs/cgroup/cpu,cpuacct');
  });
  it('has no layout without cgroup mounts', () => {
    assert.equal(parseCgroupLayout('22 1 0:21 / /proc rw - proc proc rw'), undefined);
  });
  it("finds a process's cgroup directories from /proc/<pid>/cgroup", () => {
    const v1 = parseCgroupLayout(HYBRID_MOUNTINFO)!;
    const text = '9:name=systemd:/berth/abc\n4:memory:/berth/abc\n2:cpuacct:/berth/abc\n1:cpu:/berth/abc\n0::/berth/abc\n';
    assert.deepEqual(cgroupDirsOf(v1, text), { memory: '/sys/fs/cgroup/memory/berth/abc', cpuacct: '/sys/fs/cgroup/cpuacct/berth/abc', cpu: '/sys/fs/cgroup/cpu/berth/abc' });
    const v2 = parseCgroupLayout(V2_MOUNTINFO)!;
    assert.deepEqual(cgroupDirsOf(v2, '0::/system.slice/berth-abc.scope\n'), { '': '/sys/fs/cgroup/system.slice/berth-abc.scope' });
  });
});

describe('cgroup file parsers', () => {
  it('reads flat keyed files and v1 limits', () => {
    assert.deepEqual(parseFlatKeyed('user 3\nsystem 4\n\n'), { user: 3, system: 4 });
    assert.equal(parseV1Limit('9223372036854771712\n'), undefined);
    assert.equal(parseV1Limit('67108864'), 67108864);
  });
  it("leaves out blkio's summary line", () => {
    assert.deepEqual(parseV1Blkio('8:0 Read 5\nTotal 5\n'), [{ major: 8, minor: 0, op: 'Read', value: 5 }]);
  });
  it('turns io.stat into read and write entries', () => {
    const io = parseV2IoStat(V2_FILES['io.stat']!);
    assert.deepEqual(io.serviceBytes, [{ major: 8, minor: 0, op: 'read', value: 4096 }, { major: 8, minor: 0, op: 'write', value: 8192 }]);
    assert.deepEqual(io.serviced.map((e) => e.value), [1, 2]);
  });
  it('sums /proc/stat the way Docker does and counts online CPUs', () => {
    const stat = 'cpu  100 1 50 1000 10 2 3 0 0 0\ncpu0 50 0 25 500 5 1 1 0 0 0\ncpu1 50 1 25 500 5 1 2 0 0 0\nintr 1 2 3\n';
    assert.deepEqual(parseProcStat(stat), { systemNs: (100 + 1 + 50 + 1000 + 10 + 2 + 3) * 1e7, onlineCpus: 2 });
  });
  it('reads /proc/<pid>/net/dev without loopback', () => {
    const dev = 'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      '    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n' +
      '  eth0:    1500      10    1    2    0     0          0         0      700       5    3    4    0     0       0          0\n';
    assert.deepEqual(parseNetDev(dev), { eth0: { rxBytes: 1500, rxPackets: 10, rxErrors: 1, rxDropped: 2, txBytes: 700, txPackets: 5, txErrors: 3, txDropped: 4 } });
  });
});

describe('samples', () => {
  it('builds a v1 sample (ticks and per-CPU usage turned into ns)', () => {
    const s = sampleV1((c, f) => V1_FILES[`${c}/${f}`])!;
    assert.equal(s.cgroupVersion, 1);
    assert.deepEqual(s.cpu, { totalNs: 65489074, perCpuNs: [5013971, 60475103], userNs: 3e7, kernelNs: 4e7, periods: 10, throttledPeriods: 2, throttledNs: 5000 });
    assert.deepEqual({ ...s.memory, stats: undefined }, { usage: 339968, maxUsage: 3272704, failcnt: 0, limit: 67108864, stats: undefined });
    assert.equal(s.memory.stats.total_inactive_file, 4096);
    assert.deepEqual(s.pids, { current: 1, limit: undefined });
    assert.equal(s.blkio.serviceBytes.length, 6);
  });
  it('builds a v2 sample (µs turned into ns, "max" as no limit)', () => {
    const s = sampleV2((f) => V2_FILES[f])!;
    assert.equal(s.cgroupVersion, 2);
    assert.deepEqual(s.cpu, { totalNs: 65489000, userNs: 30000000, kernelNs: 35489000, periods: 4, throttledPeriods: 1, throttledNs: 700000 });
    assert.deepEqual({ ...s.memory, stats: undefined }, { usage: 1048576, limit: undefined, stats: undefined });
    assert.deepEqual(s.pids, { current: 2, limit: 100 });
  });
  it('has no sample once the cgroup is gone', () => {
    assert.equal(sampleV1(() => undefined), undefined);
    assert.equal(sampleV2(() => undefined), undefined);
  });
});

describe('CgroupStatsReader over a fake /proc and cgroup tree', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'berth-stats-'));
    const put = async (rel: string, text: string): Promise<void> => {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), text);
    };
    await put('proc/42/cgroup', '4:memory:/berth/c1\n2:cpuacct:/berth/c1\n1:cpu:/berth/c1\n8:pids:/berth/c1\n7:blkio:/berth/c1\n0::/berth/c1\n');
    await put('proc/42/net/dev', 'h1\nh2\n  eth0: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n');
    await put('proc/stat', 'cpu  1 0 1 8 0 0 0 0 0 0\ncpu0 1 0 1 8 0 0 0 0 0 0\n');
    for (const [rel, text] of Object.entries(V1_FILES)) {
      const [controller, file] = rel.split('/');
      await put(`v1/${controller}/berth/c1/${file}`, text);
    }
    for (const [file, text] of Object.entries(V2_FILES)) await put(`v2/berth/c1/${file}`, text);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads v1 files and the network namespace', () => {
    const controllers = Object.fromEntries(['cpu', 'cpuacct', 'memory', 'pids', 'blkio'].map((c) => [c, path.join(root, 'v1', c)]));
    const r = new CgroupStatsReader({ version: 1, controllers }, { procRoot: path.join(root, 'proc') });
    const s = r.readStats({ id: 'c1', pid: 42, networks: true })!;
    assert.equal(s.memory.usage, 339968);
    assert.equal(s.networks?.eth0?.txBytes, 20);
    assert.equal(r.readStats({ id: 'c1', pid: 42, networks: false })!.networks, undefined);
    assert.deepEqual(r.readHostCpu(), { systemNs: 10 * 1e7, onlineCpus: 1 });
  });
  it('reads v2 files', () => {
    const r = new CgroupStatsReader({ version: 2, root: path.join(root, 'v2') }, { procRoot: path.join(root, 'proc') });
    const s = r.readStats({ id: 'c1', pid: 42, networks: false })!;
    assert.equal(s.cgroupVersion, 2);
    assert.equal(s.memory.usage, 1048576);
  });
  it('answers undefined for a process that is gone', () => {
    const r = new CgroupStatsReader({ version: 2, root: path.join(root, 'v2') }, { procRoot: path.join(root, 'proc') });
    assert.equal(r.readStats({ id: 'c2', pid: 4242, networks: false }), undefined);
  });
});
