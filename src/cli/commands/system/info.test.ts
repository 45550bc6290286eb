import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../../client/testing/fake-daemon.js';
import { runCaptured } from '../../testing/capture.js';

let daemon: FakeDaemon;
const berth = (...args: string[]) => runCaptured(['-H', daemon.host, ...args]);

const INFO = {
  ID: 'abc', Containers: 2, ContainersRunning: 1, ContainersPaused: 0, ContainersStopped: 1, Images: 3,
  Driver: 'overlay2', LoggingDriver: 'json-file', CgroupDriver: 'cgroupfs', CgroupVersion: '1',
  Runtimes: { runc: { path: 'runc' } }, DefaultRuntime: 'runc', KernelVersion: '6.1', OperatingSystem: 'Debian',
  OSType: 'linux', Architecture: 'x86_64', NCPU: 2, MemTotal: 4 * 1024 ** 3, DockerRootDir: '/var/lib/berth',
  Name: 'host', ServerVersion: '0.1.0', Debug: false,
  Warnings: ['WARNING: No swap limit support', 'WARNING: bridge-nf-call-iptables is disabled'],
};

before(async () => { daemon = await new FakeDaemon().listen(); });
after(() => daemon.close());

test('info prints daemon warnings on stderr, not stdout', async () => {
  daemon.json('GET /info', 200, INFO);
  const r = await berth('info');
  assert.equal(r.code, 0);
  assert.equal(r.stderr, 'WARNING: No swap limit support\nWARNING: bridge-nf-call-iptables is disabled\n');
  assert.doesNotMatch(r.stdout, /WARNING/);
  assert.match(r.stdout, /^ Debug Mode: false\n\n$/m);
});

// the lines below are the docker 28 CLI's own rendering of these /info fields
test('info prints runc version, Security Options, Insecure Registries and Live Restore as docker does', async () => {
  daemon.json('GET /info', 200, {
    ...INFO,
    RuncCommit: { ID: 'v1.1.5-0-gf19387a', Expected: 'v1.1.5-0-gf19387a' },
    SecurityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'],
    ExperimentalBuild: false,
    RegistryConfig: {
      InsecureRegistryCIDRs: ['127.0.0.0/8', '::1/128'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Secure: true }, 'myreg:5000': { Name: 'myreg:5000', Secure: false } },
      Mirrors: [],
    },
    LiveRestoreEnabled: true,
  });
  const r = await berth('info');
  assert.equal(r.code, 0);
  assert.ok(r.stdout.includes(' Default Runtime: runc\n runc version: v1.1.5-0-gf19387a\n'
    + ' Security Options:\n  seccomp\n   Profile: builtin\n  cgroupns\n Kernel Version: 6.1\n'), r.stdout);
  assert.ok(r.stdout.endsWith(' Debug Mode: false\n Experimental: false\n'
    + ' Insecure Registries:\n  myreg:5000\n  127.0.0.0/8\n  ::1/128\n Live Restore Enabled: true\n\n'), r.stdout);
});

test('info leaves out the lines whose fields an older daemon does not send', async () => {
  daemon.json('GET /info', 200, INFO);
  const r = await berth('info');
  for (const label of ['runc version', 'Security Options', 'Insecure Registries', 'Live Restore Enabled']) {
    assert.doesNotMatch(r.stdout, new RegExp(label));
  }
});
