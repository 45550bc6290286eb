import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toInspect } from './container.js';
import { initialRunState, type ContainerRecord } from '../container/model.js';

const rec = (over: Partial<ContainerRecord> = {}): ContainerRecord => ({
  id: 'c'.repeat(64), name: 'web', created: '2026-01-01T00:00:00.000000000Z', imageRef: 'busybox', imageId: 'sha256:' + 'a'.repeat(64),
  path: 'sh', args: [], config: { Hostname: 'cccccccccccc', Env: ['PATH=/bin'], Cmd: ['sh'], Image: 'busybox', Volumes: {}, Labels: {} },
  hostConfig: { NetworkMode: 'bridge', Runtime: 'runc', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
  state: initialRunState(), runtime: 'runc', restartCount: 0, logPath: '/l', hostnamePath: '/h', hostsPath: '/hs', resolvConfPath: '/r',
  hasBeenStarted: false, mounts: [], ...over,
});

test('inspect always carries the HostConfig fields Docker sends, at Docker\'s defaults', () => {
  const hc = toInspect(rec(), {}, '1.50').HostConfig;
  assert.equal(hc.IpcMode, 'private');
  assert.equal(hc.PidMode, '');
  assert.equal(hc.UsernsMode, '');
  assert.equal(hc.UTSMode, '');
  assert.equal(hc.Privileged, false);
  assert.equal(hc.PublishAllPorts, false);
  assert.equal(hc.ReadonlyRootfs, false);
  assert.equal(hc.ShmSize, 64 * 1024 * 1024);
  assert.equal(hc.Runtime, 'runc');
  assert.equal(hc.Binds, null);
  assert.equal(hc.VolumesFrom, null);
  assert.deepEqual(hc.ConsoleSize, [0, 0]);
  assert.equal(hc.PidsLimit, null);
  assert.equal(hc.CpuRealtimeRuntime, 0);
  assert.ok(Array.isArray(hc.MaskedPaths) && (hc.MaskedPaths as string[]).includes('/proc/kcore'));
});

test('empty values the CLI sends for daemon-filled fields read as their defaults', () => {
  const hc = toInspect(rec({ hostConfig: { NetworkMode: 'bridge', IpcMode: '', ShmSize: 0, MaskedPaths: null, PidMode: '' } }), {}, '1.50').HostConfig;
  assert.equal(hc.IpcMode, 'private');
  assert.equal(hc.ShmSize, 64 * 1024 * 1024);
  assert.ok(Array.isArray(hc.MaskedPaths));
  assert.equal(hc.PidMode, '');
});

test('values the container was created with win over the defaults', () => {
  const hc = toInspect(rec({ hostConfig: { NetworkMode: 'host', IpcMode: 'host', Privileged: true, ShmSize: 1 << 20, Binds: ['/a:/b'] } }), {}, '1.50').HostConfig;
  assert.equal(hc.IpcMode, 'host');
  assert.equal(hc.Privileged, true);
  assert.equal(hc.ShmSize, 1 << 20);
  assert.deepEqual(hc.Binds, ['/a:/b']);
  assert.equal(hc.MaskedPaths, null);
});

test('Config carries Go\'s zero values; MacAddress only for clients before API 1.44', () => {
  const now = toInspect(rec(), {}, '1.50').Config;
  assert.equal(now.Domainname, '');
  assert.equal(now.User, '');
  assert.equal(now.Entrypoint, null);
  assert.equal(now.OnBuild, null);
  assert.equal(now.Volumes, null);
  assert.equal('MacAddress' in now, false);
  assert.equal(toInspect(rec(), {}, '1.43').Config.MacAddress, '');
  assert.equal(toInspect(rec(), {}, '1.41').Config.MacAddress, '');
  assert.equal('MacAddress' in toInspect(rec(), {}, '1.44').Config, false);
});
