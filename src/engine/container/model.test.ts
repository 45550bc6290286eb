import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canAttach, canPause, canRemove, canStart, canStop, canUnpause, hasProcess, initialRunState, isActive, type ContainerStatus } from './model.js';

const ALL: ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const state = (status: ContainerStatus) => ({ ...initialRunState(), status });
const which = (pred: (s: ReturnType<typeof state>) => boolean): ContainerStatus[] => ALL.filter((s) => pred(state(s)));

test('each operation is allowed in exactly the states Docker allows it', () => {
  assert.deepEqual(which(canStart), ['created', 'exited']);
  assert.deepEqual(which(hasProcess), ['running', 'paused']);
  assert.deepEqual(which(isActive), ['running', 'paused', 'restarting'], 'restarting counts as running for ps, stop and rm');
  assert.deepEqual(which(canStop), ['running', 'paused', 'restarting']);
  assert.deepEqual(which(canPause), ['running']);
  assert.deepEqual(which(canUnpause), ['paused']);
  assert.deepEqual(which(canAttach), ['created', 'running', 'restarting', 'exited', 'dead']);
  assert.deepEqual(which((s) => canRemove(s, false)), ['created', 'exited', 'dead']);
  assert.deepEqual(which((s) => canRemove(s, true)), ['created', 'running', 'paused', 'restarting', 'exited', 'dead'], 'never a second removal');
});
