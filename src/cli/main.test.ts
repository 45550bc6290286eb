import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCaptured } from './testing/capture.js';

test('--version prints the client version without a daemon', async () => {
  const r = await runCaptured(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^berth version \d+\.\d+\.\d+, build /);
});

test('unknown flags exit 125 with docker wording and usage', async () => {
  const r = await runCaptured(['ps', '--foo']);
  assert.equal(r.code, 125);
  assert.equal(r.stderr, "unknown flag: --foo\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n");
});

test('missing arguments exit 1 with the berth: prefix', async () => {
  const r = await runCaptured(['rm']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "berth: 'berth rm' requires at least 1 argument\n\nUsage:  berth rm [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'berth rm --help' for more information\n");
});

test('unknown commands exit 1', async () => {
  const r = await runCaptured(['frobnicate']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown command: berth frobnicate/);
});

test('--help prints usage and flags for grouped commands too', async () => {
  const r = await runCaptured(['container', 'ls', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage:  berth container ls \[OPTIONS\]/);
  assert.match(r.stdout, /-a, --all\s+Show all containers/);
});

test('an unreachable daemon is reported and exits 1', async () => {
  const r = await runCaptured(['-H', 'unix:///nonexistent.sock', 'ps']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n');
});

test('BERTH_HOST is used when -H is absent', async () => {
  const r = await runCaptured(['ps'], { env: { BERTH_HOST: 'unix:///from-env.sock', DOCKER_HOST: 'unix:///docker.sock' } });
  assert.match(r.stderr, /unix:\/\/\/from-env.sock/);
});
