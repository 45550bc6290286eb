import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { CAPABILITY_NAMES } from '../../sys/capabilities.js';
import type { SpecInput } from '../types.js';
import { buildSpec, type SpecHostFacts } from './build.js';
import { DEFAULT_CAPABILITIES, DEFAULT_MASKED_PATHS } from './defaults.js';

const facts: SpecHostFacts = {
  capabilities: CAPABILITY_NAMES.filter((c) => c !== 'CAP_SYS_RESOURCE'),
  nofileHard: 20000,
  cgroupNamespace: true,
  hostDevices: [{ type: 'c', path: '/dev/kvm', major: 10, minor: 232, fileMode: 0o660, uid: 0, gid: 0 }],
};
const root = { uid: 0, gid: 0, additionalGids: [0], home: '/root' };

function input(over: Partial<SpecInput> = {}): SpecInput {
  return {
    id: 'c1', rootfs: '/nonexistent/rootfs', args: ['sh', '-c', 'true'], env: ['FOO=bar'], cwd: '', user: '',
    hostname: 'box', tty: false, openStdin: false, networkMode: 'private', cgroupsPath: '/berth/c1', ...over,
  };
}

describe('buildSpec', () => {
  it('applies Docker defaults', () => {
    const s = buildSpec(input(), facts, root);
    assert.equal(s.process.cwd, '/');
    assert.deepEqual(s.process.capabilities?.bounding, CAPABILITY_NAMES.filter((c) => DEFAULT_CAPABILITIES.includes(c)));
    assert.deepEqual(s.process.capabilities?.inheritable, []);
    assert.deepEqual(s.process.capabilities?.ambient, []);
    assert.equal(s.process.noNewPrivileges, false);
    assert.equal(s.process.oomScoreAdj, 0);
    assert.deepEqual(s.linux.maskedPaths, [...DEFAULT_MASKED_PATHS]);
    assert.ok(s.linux.readonlyPaths?.includes('/proc/sysrq-trigger'));
    assert.deepEqual(s.linux.namespaces?.map((n) => n.type), ['pid', 'ipc', 'uts', 'mount', 'network', 'cgroup']);
    assert.equal(s.linux.cgroupsPath, '/berth/c1');
    assert.deepEqual(s.linux.resources?.devices?.[0], { allow: false, access: 'rwm' });
    const sys = s.mounts.find((m) => m.destination === '/sys');
    assert.ok(sys?.options?.includes('ro'));
    assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')?.options?.includes('size=67108864'));
  });

  it('builds the environment like Docker', () => {
    const s = buildSpec(input({ tty: true }), facts, root);
    assert.deepEqual(s.process.env, [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=box', 'TERM=xterm', 'FOO=bar', 'HOME=/root',
    ]);
    const t = buildSpec(input({ env: ['PATH=/x', 'HOME=/h', 'HOSTNAME=mine'] }), facts, root);
    assert.deepEqual(t.process.env, ['HOSTNAME=mine', 'PATH=/x', 'HOME=/h']);
  });

  it('clamps RLIMIT_NOFILE to the host hard limit', () => {
    const s = buildSpec(input(), facts, root);
    assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
    const u = buildSpec(input({ ulimits: [{ Name: 'nofile', Soft: 100, Hard: 1 << 30 }, { Name: 'nproc', Soft: 5, Hard: 10 }] }), facts, root);
    assert.deepEqual(u.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 20000 }, { type: 'RLIMIT_NPROC', soft: 5, hard: 10 }]);
    assert.throws(() => buildSpec(input({ ulimits: [{ Name: 'bogus', Soft: 1, Hard: 1 }] }), facts, root), isInvalidArgument);
  });

  it('handles cap-add, cap-drop and ALL', () => {
    const caps = (o: Partial<SpecInput>): string[] | undefined => buildSpec(input(o), facts, root).process.capabilities?.effective;
    assert.deepEqual(caps({ capDrop: ['ALL'], capAdd: ['net_admin'] }), ['CAP_NET_ADMIN']);
    assert.ok(!caps({ capDrop: ['CHOWN'] })?.includes('CAP_CHOWN'));
    assert.ok(caps({ capAdd: ['CAP_SYS_ADMIN'] })?.includes('CAP_SYS_ADMIN'));
    const all = caps({ capAdd: ['ALL'], capDrop: ['MKNOD'] });
    assert.ok(all?.includes('CAP_SYS_ADMIN') && !all.includes('CAP_MKNOD') && !all.includes('CAP_SYS_RESOURCE'));
    assert.throws(() => caps({ capAdd: ['NOPE'] }), isInvalidArgument);
  });

  it('privileged: host caps, no masks, writable /sys, all devices', () => {
    const s = buildSpec(input({ privileged: true }), facts, root);
    assert.deepEqual(s.process.capabilities?.bounding, facts.capabilities);
    assert.deepEqual(s.linux.maskedPaths, []);
    assert.deepEqual(s.linux.readonlyPaths, []);
    assert.ok(s.mounts.find((m) => m.destination === '/sys')?.options?.includes('rw'));
    assert.deepEqual(s.linux.resources?.devices, [{ allow: true, access: 'rwm' }]);
    assert.deepEqual(s.linux.devices?.map((d) => d.path), ['/dev/kvm']);
    assert.equal(buildSpec(input(), facts, root).linux.devices, undefined);
  });

  it('sets the console size for a tty and refuses a cwd in /proc', () => {
    assert.deepEqual(buildSpec(input({ tty: true, consoleSize: { height: 40, width: 100 } }), facts, root).process.consoleSize, { height: 40, width: 100 });
    assert.equal(buildSpec(input({ consoleSize: { height: 40, width: 100 } }), facts, root).process.consoleSize, undefined);
    assert.throws(() => buildSpec(input({ cwd: '/proc/self/fd/7' }), facts, root), isInvalidArgument);
    assert.throws(() => buildSpec(input({ args: [] }), facts, root), isInvalidArgument);
  });

  it('host network has no network namespace', () => {
    const s = buildSpec(input({ networkMode: 'host' }), { ...facts, cgroupNamespace: false }, root);
    assert.deepEqual(s.linux.namespaces?.map((n) => n.type), ['pid', 'ipc', 'uts', 'mount']);
  });

  it('maps resources', () => {
    const r = buildSpec(input({ memory: 64 << 20, nanoCpus: 1.5e9, cpuShares: 512, cpusetCpus: '0-1', pidsLimit: 100 }), facts, root).linux.resources;
    assert.deepEqual(r?.memory, { limit: 64 << 20, swap: 128 << 20 });
    assert.deepEqual(r?.cpu, { period: 100000, quota: 150000, shares: 512, cpus: '0-1' });
    assert.deepEqual(r?.pids, { limit: 100 });
    const u = buildSpec(input({ memory: 64 << 20, memorySwap: -1, pidsLimit: -1 }), facts, root).linux.resources;
    assert.deepEqual(u?.memory, { limit: 64 << 20, swap: -1 });
    assert.equal(u?.pids, undefined);
    assert.throws(() => buildSpec(input({ memory: 64 << 20, memorySwap: 1 << 20 }), facts, root), isInvalidArgument);
    assert.throws(() => buildSpec(input({ nanoCpus: 1e9, cpuQuota: 5000 }), facts, root), isInvalidArgument);
  });

  it('adds mounts, etc files and device rules', () => {
    const s = buildSpec(input({
      readonlyRootfs: true,
      mounts: [
        { destination: '/data', source: '/srv/data', type: 'bind', options: ['ro'] },
        { destination: '/dev/shm', source: '', type: 'tmpfs', options: ['size=1m'] },
      ],
      etcFiles: { hosts: '/b/hosts', resolvConf: '/b/resolv.conf' },
      deviceCgroupRules: ['c 42:* rmw'],
    }), facts, root);
    assert.equal(s.root.readonly, true);
    assert.deepEqual(s.mounts.find((m) => m.destination === '/data'), { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'ro'] });
    assert.equal(s.mounts.filter((m) => m.destination === '/dev/shm').length, 1);
    assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')?.options?.includes('size=1m'));
    assert.equal(s.mounts.find((m) => m.destination === '/etc/hosts')?.source, '/b/hosts');
    assert.deepEqual(s.linux.resources?.devices?.at(-1), { allow: true, type: 'c', major: 42, access: 'rmw' });
    assert.throws(() => buildSpec(input({ deviceCgroupRules: ['x 1:2 r'] }), facts, root), isInvalidArgument);
    assert.equal(s.linux.rootfsPropagation, undefined);
    const shared = buildSpec(input({ mounts: [{ destination: '/m', source: '/srv/m', type: 'bind', options: ['rshared'] }] }), facts, root);
    assert.equal(shared.linux.rootfsPropagation, 'shared');
  });
});
