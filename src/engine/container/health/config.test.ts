import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageRecord } from '../../../image/types.js';
import { mergeCreateConfig } from '../create-config.js';
import { cutProbeOutput, mergeHealthcheck, probeSettings } from './config.js';

const S = 1e9;
const IMAGE_CHECK = { Test: ['CMD-SHELL', 'wget -q localhost'], Interval: 5 * S, Timeout: 2 * S, Retries: 4, StartPeriod: S };

test('the request\'s health check fields override the image\'s; what it leaves at zero is inherited', () => {
  assert.deepEqual(mergeHealthcheck({ Interval: S }, IMAGE_CHECK), { ...IMAGE_CHECK, Interval: S });
  assert.deepEqual(mergeHealthcheck({ Test: ['CMD', 'true'], Interval: 0, Retries: 0 }, IMAGE_CHECK), { ...IMAGE_CHECK, Test: ['CMD', 'true'] });
  assert.deepEqual(mergeHealthcheck(undefined, IMAGE_CHECK), IMAGE_CHECK);
  assert.deepEqual(mergeHealthcheck({ Test: ['CMD', 'x'], Interval: 0, StartInterval: 0 }, undefined), { Test: ['CMD', 'x'] }, 'zero fields are left out');
  assert.equal(mergeHealthcheck(undefined, undefined), undefined);
});

test('--no-healthcheck (NONE) turns off the image\'s check and is kept for inspect', () => {
  const hc = mergeHealthcheck({ Test: ['NONE'] }, IMAGE_CHECK);
  assert.deepEqual(hc?.Test, ['NONE']);
  assert.equal(probeSettings({ Healthcheck: hc }), undefined);
});

test('create keeps Config.Healthcheck and Shell, merged with the image\'s', () => {
  const image = {
    id: 'sha256:' + 'a'.repeat(64), repoTags: [], repoDigests: [], parent: '', size: 1, layers: [], addedAt: 0,
    config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Cmd: ['sh'], Healthcheck: IMAGE_CHECK, Shell: ['/bin/ash', '-c'] } },
  } as ImageRecord;
  const m = mergeCreateConfig({ Image: 'x', Healthcheck: { Test: [], Retries: 1 } }, image, { id: 'b'.repeat(64), runtimes: ['runc'], defaultRuntime: 'runc' });
  assert.deepEqual(m.config.Healthcheck, { ...IMAGE_CHECK, Retries: 1 });
  assert.deepEqual(m.config.Shell, ['/bin/ash', '-c']);
  assert.deepEqual(probeSettings(m.config)?.argv, ['/bin/ash', '-c', 'wget -q localhost']);
});

test('probe settings apply Docker\'s defaults', () => {
  assert.deepEqual(probeSettings({ Healthcheck: { Test: ['CMD', 'true'] } }), {
    argv: ['true'], intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, startIntervalMs: 5_000, retries: 3,
  });
  assert.equal(probeSettings({ Healthcheck: { Test: ['CMD', 'true'], Interval: 1_500_000 } })?.intervalMs, 1.5);
});

test('output is cut at 4096 bytes with "..." after', () => {
  assert.equal(cutProbeOutput('x'.repeat(4096)), 'x'.repeat(4096));
  assert.equal(cutProbeOutput('x'.repeat(5000)), `${'x'.repeat(4096)}...`);
});
