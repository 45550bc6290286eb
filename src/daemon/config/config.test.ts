import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDaemonArgs } from './config.js';

const noFile = ['--config-file', '/nonexistent/daemon.json'];

test('dockerd-style flags, repeated -H, and defaults derived from --exec-root', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cfg-'));
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
  const dir = mkdtempSync(join(tmpdir(), 'berth-cfg-'));
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
