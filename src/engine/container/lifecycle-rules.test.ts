import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeForStartError, shouldRestart, shouldStartOnBoot, startError } from './lifecycle-rules.js';
import { kindOf } from '../../lib/errors/index.js';
import type { ContainerRecord } from './model.js';

const rec = (policy: string, exitCode: number, restartCount = 0, max = 0): ContainerRecord =>
  ({ hostConfig: { RestartPolicy: { Name: policy, MaximumRetryCount: max } }, state: { exitCode }, restartCount }) as unknown as ContainerRecord;

test('restart policies follow Docker: a manual stop always wins', () => {
  assert.equal(shouldRestart(rec('no', 1), false), false);
  assert.equal(shouldRestart(rec('always', 0), false), true);
  assert.equal(shouldRestart(rec('always', 0), true), false);
  assert.equal(shouldRestart(rec('unless-stopped', 3), false), true);
  assert.equal(shouldRestart(rec('on-failure', 0), false), false);
  assert.equal(shouldRestart(rec('on-failure', 2), false), true);
  assert.equal(shouldRestart(rec('on-failure', 2, 3, 3), false), false, 'retry count reached');
});

test('a failed start maps to Docker exit codes and statuses', () => {
  const notFound = 'exec: "nosuch": executable file not found in $PATH';
  assert.equal(exitCodeForStartError(notFound), 127);
  assert.equal(exitCodeForStartError('exec /etc/passwd: permission denied'), 126);
  assert.equal(exitCodeForStartError('something else'), 128);
  assert.equal(kindOf(startError(notFound, new Error(notFound))), 'invalid-argument');
  assert.equal(kindOf(startError('runtime exploded', new Error('x'))), 'internal');
});

test('on boot, policies bring containers back as Docker does: always even after a manual stop', () => {
  const boot = (policy: string, exitCode: number, extra: Partial<ContainerRecord> = {}): boolean => shouldStartOnBoot({
    ...rec(policy, exitCode), hasBeenStarted: true, ...extra,
    state: { status: 'exited', exitCode }, hostConfig: { RestartPolicy: { Name: policy, MaximumRetryCount: 0 } },
  } as unknown as ContainerRecord);
  assert.equal(boot('always', 0, { manuallyStopped: true }), true);
  assert.equal(boot('unless-stopped', 0), true);
  assert.equal(boot('unless-stopped', 0, { manuallyStopped: true }), false);
  assert.equal(boot('on-failure', 0), false);
  assert.equal(boot('on-failure', 137), true);
  assert.equal(boot('no', 1), false);
  assert.equal(boot('always', 0, { hasBeenStarted: false }), false, 'never started: left alone');
});
