import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeForStartError, shouldRestart, startError } from './lifecycle-rules.js';
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
