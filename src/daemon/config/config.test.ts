import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDaemonArgs } from './config.js';
import { testTempDir } from '../../lib/testing/temp-dir.js';

const noFile = ['--config-file', '/nonexistent/daemon.json'];


test('dockerd-style flags, repeated -H, and defaults derived from --exec-root', () => {
  const dir = testTempDir('berth-cfg-');
  const file = join(dir, 'daemon.json');
  writeFileSync(file, '{}');
  const { config } = parseDaemonArgs(['--config-file', file, '-H', 'unix:///a.sock', '--host=tcp://127.0.0.1:2375', '--data-root', '/d', '--exec-root', '/e', '--log-level', 'debug']);
  assert.deepEqual(config!.hosts, ['unix:///a.sock', 'tcp://127.0.0.1:2375']);
  assert.equal(config!.dataRoot, '/d');
  assert.equal(config!.pidfile, '/e/berthd.pid');
  assert.equal(config!.logLevel, 'debug');
  const { config: c2 } = parseDaemonArgs(['--config-file', file, '--exec-root', '/e']);
  assert.deepEqual(c2!.hosts, ['unix:///e/berth.sock']);
});

test('the JSON config file is read, flags win, and unknown keys are refused', () => {
  const dir = testTempDir('berth-cfg-');
  const file = join(dir, 'daemon.json');
  writeFileSync(file, JSON.stringify({ 'data-root': '/from-file', 'log-level': 'warn', runtimes: { myrunc: { path: '/usr/bin/runc' } }, 'default-runtime': 'myrunc' }));
  const { config } = parseDaemonArgs(['--config-file', file, '--log-level', 'error']);
  assert.equal(config!.dataRoot, '/from-file');
  assert.equal(config!.logLevel, 'error');
  assert.equal(config!.runtimes.myrunc, '/usr/bin/runc');
  assert.equal(config!.defaultRuntime, 'myrunc');
  writeFileSync(file, JSON.stringify({ 'no-such-option': true }));
  assert.throws(() => parseDaemonArgs(['--config-file', file]), /don't match any configuration option: no-such-option/);
  writeFileSync(file, '{not json');
  assert.throws(() => parseDaemonArgs(['--config-file', file]), /unable to configure the daemon/);
});

test('bad flags are refused with a clear message', () => {
  assert.throws(() => parseDaemonArgs([...noFile, '--bogus']), /unknown flag: --bogus/);
  assert.throws(() => parseDaemonArgs(['--config-file']), /flag needs an argument/);
  assert.throws(() => parseDaemonArgs(['--config-file', '/nonexistent/daemon.json']), /unable to read config file/);
  assert.ok(parseDaemonArgs(['--version']).print?.includes('berthd'));
});

/** An empty config file, so only the flags count. */
function emptyFile(): string[] {
  const file = join(testTempDir('berth-cfg-'), 'daemon.json');
  writeFileSync(file, '{}');
  return ['--config-file', file];
}

test('network flags: --bip, --fixed-cidr, repeatable --default-address-pool, --mtu, --net-tag and --ip-forward', () => {
  const { config } = parseDaemonArgs([...emptyFile(), '--bip', '10.150.0.1/24', '--fixed-cidr=10.150.0.128/25', '--default-address-pool', 'base=10.151.0.0/16,size=24',
    '--default-address-pool=base=10.152.0.0/16,size=26', '--mtu', '1400', '--net-tag', 'bk1', '--ip-forward=false']);
  assert.equal(config!.bip, '10.150.0.1/24');
  assert.equal(config!.fixedCidr, '10.150.0.128/25');
  assert.deepEqual(config!.defaultAddressPools, [{ base: '10.151.0.0/16', size: 24 }, { base: '10.152.0.0/16', size: 26 }]);
  assert.equal(config!.mtu, 1400);
  assert.equal(config!.netTag, 'bk1');
  assert.equal(config!.ipForward, false);
  const { config: d } = parseDaemonArgs([...emptyFile(), '--ip-forward']);
  assert.equal(d!.netTag, 'berth');
  assert.equal(d!.ipForward, true);
  assert.equal(d!.bip, undefined);
  assert.deepEqual(d!.defaultAddressPools, [{ base: '10.64.0.0/12', size: 24 }]);
});

test('bad network flags are refused before anything starts', () => {
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--net-tag', 'toolongtag']), /invalid --net-tag "toolongtag"/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--net-tag', 'a-b']), /invalid --net-tag/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--bip', '10.1.0.0/16']), /must not be the network address/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--bip', 'fd00::1/64']), /invalid --bip/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--bip', '10.1.0.1/24', '--fixed-cidr', '10.2.0.0/25']), /must lie inside --bip/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--mtu', '20']), /invalid MTU 20/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--default-address-pool', 'base=10.0.0.0/8']), /size is missing/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--ip-forward=maybe']), /invalid boolean value/);
});

test('network settings from the JSON config file', () => {
  const dir = testTempDir('berth-cfg-');
  const file = join(dir, 'daemon.json');
  writeFileSync(file, JSON.stringify({ bip: '10.160.0.1/16', 'default-address-pools': [{ base: '10.161.0.0/16', size: 24 }], mtu: 1450, 'net-tag': 'zz9' }));
  const { config } = parseDaemonArgs(['--config-file', file]);
  assert.equal(config!.bip, '10.160.0.1/16');
  assert.deepEqual(config!.defaultAddressPools, [{ base: '10.161.0.0/16', size: 24 }]);
  assert.equal(config!.mtu, 1450);
  assert.equal(config!.netTag, 'zz9');
});

test('--plugin-dir is repeatable, replaces the default plugin dirs, and must be absolute', () => {
  const file = join(testTempDir('berth-cfg-'), 'daemon.json');
  writeFileSync(file, '{}');
  const empty = ['--config-file', file];
  assert.deepEqual(parseDaemonArgs(empty).config!.pluginDirs, [
    '/run/docker/plugins', '/etc/docker/plugins', '/usr/lib/docker/plugins', '/run/berth/plugins', '/etc/berth/plugins',
  ]);
  assert.deepEqual(parseDaemonArgs([...empty, '--plugin-dir', '/a', '--plugin-dir=/b']).config!.pluginDirs, ['/a', '/b']);
  assert.throws(() => parseDaemonArgs([...empty, '--plugin-dir', 'rel']), { message: 'invalid --plugin-dir "rel": it must be an absolute path' });
});

test('--insecure-registry repeats and adds to the file\'s insecure-registries', () => {
  const dir = testTempDir('berth-cfg-');
  const file = join(dir, 'daemon.json');
  writeFileSync(file, JSON.stringify({ 'insecure-registries': ['reg.local:5000'] }));
  assert.deepEqual(parseDaemonArgs(['--config-file', file]).config!.insecureRegistries, ['reg.local:5000']);
  const { config } = parseDaemonArgs(['--config-file', file, '--insecure-registry', '10.0.0.0/8', '--insecure-registry=other:443']);
  assert.deepEqual(config!.insecureRegistries, ['reg.local:5000', '10.0.0.0/8', 'other:443']);
  writeFileSync(file, JSON.stringify({ 'insecure-registries': 'x' }));
  assert.throws(() => parseDaemonArgs(['--config-file', file]), /insecure-registries must be a list/);
});

test('registry mirrors come from --registry-mirror or the file, checked and shown with one trailing slash', () => {
  const { config } = parseDaemonArgs([...emptyFile(), '--registry-mirror', 'http://127.0.0.1:5000', '--registry-mirror=https://m.example/prefix//']);
  assert.deepEqual(config!.registryMirrors, ['http://127.0.0.1:5000/', 'https://m.example/prefix/']);
  const dir = testTempDir('berth-config-');
  const file = join(dir, 'daemon.json');
  writeFileSync(file, JSON.stringify({ 'registry-mirrors': ['https://mirror.example'] }));
  assert.deepEqual(parseDaemonArgs(['--config-file', file]).config!.registryMirrors, ['https://mirror.example/']);
  assert.throws(() => parseDaemonArgs(['--config-file', file, '--registry-mirror', 'http://a']), /specified both as a flag and in the configuration file: registry-mirrors/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--registry-mirror', 'ftp://m']), /^InvalidArgumentError: invalid mirror: unsupported scheme "ftp" in "ftp:\/\/m"$/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--registry-mirror', 'http://u:p@m']), /invalid mirror: username\/password not allowed in URI "http:\/\/m\/"/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--registry-mirror', 'http://m/?x=1']), /invalid mirror: query or fragment/);
  assert.throws(() => parseDaemonArgs([...emptyFile(), '--registry-mirror', 'not a url']), /invalid mirror: "not a url" is not a valid URI/);
});
