import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { validateCreateRequest } from './validate-request.js';
import { kindOf } from '../../lib/errors/index.js';

function refused(req: Record<string, unknown>, kind: string, message: RegExp | string): void {
  assert.throws(() => validateCreateRequest({ Image: 'busybox', ...req }), (e: unknown) => {
    assert.equal(kindOf(e), kind, `${JSON.stringify(req)}: ${(e as Error).message}`);
    if (typeof message === 'string') assert.equal((e as Error).message, message);
    else assert.match((e as Error).message, message);
    return true;
  }, JSON.stringify(req));
}

test('maps with array or scalar values where Docker wants objects are refused as invalid JSON', () => {
  refused({ ExposedPorts: [1] }, 'invalid-argument', /invalid JSON: json: cannot unmarshal array into Go struct field container.Config.ExposedPorts/);
  refused({ ExposedPorts: { '80/tcp': 1 } }, 'invalid-argument', /invalid JSON/);
  refused({ Volumes: ['/data'] }, 'invalid-argument', /invalid JSON/);
  refused({ HostConfig: { RestartPolicy: ['always'] } }, 'invalid-argument', /invalid JSON/);
  refused({ HostConfig: { Ulimits: { nofile: 1 } } }, 'invalid-argument', /invalid JSON/);
  validateCreateRequest({ Image: 'busybox', ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': {} }, HostConfig: { Ulimits: [] } });
});

test('a stop signal must be one the kernel knows', () => {
  refused({ StopSignal: 'SIGBOGUS' }, 'invalid-argument', 'Invalid signal: SIGBOGUS');
  refused({ StopSignal: '99' }, 'invalid-argument', 'Invalid signal: 99');
  refused({ StopSignal: '0' }, 'invalid-argument', 'Invalid signal: 0');
  for (const ok of ['SIGUSR1', 'usr1', '9', 'SIGRTMIN+3']) validateCreateRequest({ Image: 'busybox', StopSignal: ok });
});

test('health-check durations below 1ms and negative retries are refused with Docker\'s messages', () => {
  refused({ Healthcheck: { Test: ['CMD', 'true'], Interval: 1 } }, 'invalid-argument', 'Interval in Healthcheck cannot be less than 1ms');
  refused({ Healthcheck: { Timeout: 999_999 } }, 'invalid-argument', 'Timeout in Healthcheck cannot be less than 1ms');
  refused({ Healthcheck: { StartPeriod: 5 } }, 'invalid-argument', 'StartPeriod in Healthcheck cannot be less than 1ms');
  refused({ Healthcheck: { StartInterval: 5 } }, 'invalid-argument', 'StartInterval in Healthcheck cannot be less than 1ms');
  refused({ Healthcheck: { Retries: -1 } }, 'invalid-argument', 'Retries in Healthcheck cannot be negative');
  refused({ Healthcheck: { Interval: '1s' } }, 'invalid-argument', /invalid JSON/);
  validateCreateRequest({ Image: 'busybox', Healthcheck: { Test: ['CMD', 'true'], Interval: 0, Timeout: 1_000_000, Retries: 0 } });
});

test('cpuset mems must be a list of online memory nodes', () => {
  refused({ HostConfig: { CpusetMems: 'a' } }, 'invalid-argument', 'Invalid value a for cpuset mems');
  refused({ HostConfig: { CpusetMems: '1-0' } }, 'invalid-argument', 'Invalid value 1-0 for cpuset mems');
  refused({ HostConfig: { CpusetMems: '4000' } }, 'invalid-argument', /^Requested memory nodes are not available - requested 4000, available: /);
  validateCreateRequest({ Image: 'busybox', HostConfig: { CpusetMems: '0' } });
});

test('device cgroup rules are checked at create, not first at start', () => {
  refused({ HostConfig: { DeviceCgroupRules: ['x 1:2 r'] } }, 'invalid-argument', /invalid device cgroup rule format/);
  validateCreateRequest({ Image: 'busybox', HostConfig: { DeviceCgroupRules: ['c 42:* rmw'] } });
});

test('a real-time runtime above its period is refused', () => {
  const supported = ['/sys/fs/cgroup/cpu/cpu.rt_runtime_us', '/sys/fs/cgroup/cpu,cpuacct/cpu.rt_runtime_us'].some((f) => existsSync(f));
  if (supported) {
    refused({ HostConfig: { CpuRealtimePeriod: 1000, CpuRealtimeRuntime: 2000 } }, 'invalid-argument', 'cpu-rt-runtime cannot be higher than cpu-rt-period');
    validateCreateRequest({ Image: 'busybox', HostConfig: { CpuRealtimePeriod: 1_000_000, CpuRealtimeRuntime: 950_000 } });
  } else {
    refused({ HostConfig: { CpuRealtimePeriod: 1000 } }, 'invalid-argument', 'Your kernel does not support CPU real-time scheduler');
  }
  refused({ HostConfig: { CpuRealtimePeriod: 'x' } }, 'invalid-argument', /invalid JSON/);
});

test('storage options are refused: the overlay snapshotter keeps no project quotas', () => {
  refused({ HostConfig: { StorageOpt: { size: '10G' } } }, 'invalid-argument', "--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
  validateCreateRequest({ Image: 'busybox', HostConfig: { StorageOpt: {} } });
});

test('exposed ports must be port specifications', () => {
  for (const bad of ['abc/tcp', '80/bogus', '70000/tcp', '1-99999/tcp', '90-80/tcp', '']) {
    refused({ ExposedPorts: { [bad]: {} } }, 'invalid-argument', `invalid port specification: "${bad}"`);
  }
  validateCreateRequest({ Image: 'busybox', ExposedPorts: { '80': {}, '53/udp': {}, '8000-8010/tcp': {}, '9/sctp': {} } });
});

test('volume subpaths: named volumes only, relative and staying inside (Go filepath.IsLocal)', () => {
  const vol = (Source: string, Subpath: unknown): Record<string, unknown> => ({ HostConfig: { Mounts: [{ Type: 'volume', Source, Target: '/m', VolumeOptions: { Subpath } }] } });
  refused(vol('', 'sub'), 'invalid-argument', 'invalid mount config for type "volume": must not set Subpath when using anonymous volumes');
  for (const bad of ['/abs', '..', '../x', 'a/../..', 'a/../../b', './..']) {
    refused(vol('v', bad), 'invalid-argument', 'invalid mount config for type "volume": subpath must be a relative path within the volume');
  }
  refused(vol('v', 7), 'invalid-argument', /Subpath must be a string/);
  for (const ok of ['sub', 'a/b', 'a/../b', '.', './x', 'a/..', 'x/']) validateCreateRequest({ Image: 'busybox', ...vol('v', ok) });
});

test('--mount type=bind: a missing source is refused unless CreateMountpoint; bind options are checked with Docker\'s messages', () => {
  const bind = (extra: Record<string, unknown>): Record<string, unknown> => ({ HostConfig: { Mounts: [{ Type: 'bind', Source: '/tmp', Target: '/t', ...extra }] } });
  const missing = '/nonexistent/berth-bind-source';
  assert.ok(!existsSync(missing));
  refused(bind({ Source: missing }), 'invalid-argument', `invalid mount config for type "bind": bind source path does not exist: ${missing}`);
  validateCreateRequest({ Image: 'busybox', ...bind({ Source: missing, BindOptions: { CreateMountpoint: true } }) });
  refused(bind({ BindOptions: { Propagation: 'bogus' } }), 'invalid-argument', 'invalid mount config for type "bind": invalid propagation mode: bogus');
  refused(bind({ BindOptions: { ReadOnlyNonRecursive: true } }), 'invalid-argument', 'mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive');
  refused(bind({ BindOptions: { ReadOnlyForceRecursive: true } }), 'invalid-argument', 'mount options conflict: !ReadOnly && BindOptions.ReadOnlyForceRecursive');
  refused(bind({ ReadOnly: true, BindOptions: { ReadOnlyNonRecursive: true, ReadOnlyForceRecursive: true } }), 'invalid-argument',
    'mount options conflict: ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive');
  refused(bind({ TmpfsOptions: { SizeBytes: 1 } }), 'invalid-argument', 'invalid mount config for type "bind": field TmpfsOptions must not be specified');
  refused({ HostConfig: { Mounts: [{ Type: 'tmpfs', Target: '/t', BindOptions: {} }] } }, 'invalid-argument', 'invalid mount config for type "tmpfs": field BindOptions must not be specified');
  for (const bo of [{ NonRecursive: true }, { ReadOnlyNonRecursive: true }, { ReadOnlyForceRecursive: true, Propagation: 'rprivate' }]) {
    validateCreateRequest({ Image: 'busybox', ...bind({ ReadOnly: true, BindOptions: bo }) });
  }
});
