import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPABILITY_NAMES } from '../../sys/capabilities.js';
import type { SpecInput } from '../types.js';
import { buildSpec, type SpecHostFacts } from './build.js';

const facts: SpecHostFacts = { capabilities: CAPABILITY_NAMES, nofileHard: 20000, cgroupNamespace: true, hostDevices: [] };
const root = { uid: 0, gid: 0, additionalGids: [0], home: '/root' };
const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  id: 'c1', rootfs: '/nonexistent/rootfs', args: ['sh', '-c', 'true'], env: [], cwd: '', user: '',
  hostname: 'box', tty: false, openStdin: false, networkMode: 'private', cgroupsPath: '/berth/c1', ...over,
});

describe('buildSpec: run options', () => {
  it('--init runs the bind-mounted init, read-only, in front of the command', () => {
    const s = buildSpec(input({ initPath: '/usr/bin/tini-static' }), facts, root);
    assert.deepEqual(s.process.args, ['/sbin/docker-init', '--', 'sh', '-c', 'true']);
    const m = s.mounts.find((x) => x.destination === '/sbin/docker-init');
    assert.equal(m?.source, '/usr/bin/tini-static');
    assert.ok(m?.options?.includes('ro'));
  });

  it('host namespaces are left out; joined ones carry their path', () => {
    const s = buildSpec(input({ namespaceModes: { ipc: 'host', pid: { path: '/proc/42/ns/pid' }, uts: 'host', cgroup: 'host' } }), facts, root);
    assert.deepEqual(s.linux.namespaces, [{ type: 'pid', path: '/proc/42/ns/pid' }, { type: 'mount' }, { type: 'network' }]);
    assert.equal(s.hostname, undefined, 'no hostname without a UTS namespace of its own');
    const shm = s.mounts.filter((m) => m.destination === '/dev/shm');
    assert.deepEqual(shm, [{ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] }]);
  });

  it('devices are made and allowed with their permissions', () => {
    const s = buildSpec(input({ devices: [{ path: '/dev/mynull', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0, permissions: 'r' }] }), facts, root);
    assert.deepEqual(s.linux.devices, [{ type: 'c', path: '/dev/mynull', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }]);
    assert.deepEqual(s.linux.resources?.devices?.find((d) => d.major === 1 && d.minor === 3 && d.access === 'r'), { allow: true, type: 'c', major: 1, minor: 3, access: 'r' });
  });

  it('oom score and the OOM killer switch', () => {
    const s = buildSpec(input({ oomScoreAdj: 500, oomKillDisable: true, memory: 64 * 1024 * 1024 }), facts, root);
    assert.equal(s.process.oomScoreAdj, 500);
    assert.equal(s.linux.resources?.memory?.disableOOMKiller, true);
    assert.equal(s.linux.resources?.memory?.limit, 64 * 1024 * 1024);
  });

  it('mounts go parents first: a volume on /etc keeps the /etc/hosts bind, nested -v in any order', () => {
    const s = buildSpec(input({
      etcFiles: { hosts: '/b/hosts', hostname: '/b/hostname', resolvConf: '/b/resolv.conf' },
      mounts: [
        { destination: '/x/y', source: '/v/b', type: 'bind', options: [] },
        { destination: '/etc', source: '/v/etc', type: 'bind', options: [] },
        { destination: '/x', source: '/v/a', type: 'bind', options: [] },
        { destination: '/etc/hosts', source: '/mine/hosts', type: 'bind', options: [] },
      ],
    }), facts, root);
    const order = s.mounts.filter((m) => (m.source ?? '').startsWith('/v/') || (m.source ?? '').startsWith('/b/') || (m.source ?? '').startsWith('/mine/')).map((m) => `${m.destination}=${m.source}`);
    assert.deepEqual(order, ['/etc=/v/etc', '/x=/v/a', '/etc/resolv.conf=/b/resolv.conf', '/etc/hostname=/b/hostname', '/etc/hosts=/b/hosts', '/x/y=/v/b', '/etc/hosts=/mine/hosts']);
  });
});
