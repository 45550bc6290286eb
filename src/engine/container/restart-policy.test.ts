import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../lib/clock/index.js';
import { RestartScheduler, restartDelay } from './restart-policy.js';

test('the back-off starts at 100 ms, doubles and stops growing at a minute', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map(restartDelay), [100, 200, 400, 800, 1600]);
  assert.equal(restartDelay(9), 51_200);
  assert.equal(restartDelay(10), 60_000);
  assert.equal(restartDelay(50), 60_000);
});

test('quick exits grow the delay; a run of 10 s resets it', () => {
  const clock = new ManualClock();
  const s = new RestartScheduler(clock);
  let fired = 0;
  const delays = [0, 0, 0, 0].map(() => s.schedule('c', 50, () => fired++));
  assert.deepEqual(delays, [100, 200, 400, 800]);
  assert.equal(clock.pending, 1, 'a new schedule replaces the pending one');
  clock.advance(800);
  assert.equal(fired, 1);
  assert.equal(s.schedule('c', 10_000, () => fired++), 100);
  assert.equal(s.schedule('c', 9_999, () => fired++), 200);
  assert.equal(s.cancel('c'), true);
  s.forget('c');
  assert.equal(s.schedule('c', 0, () => fired++), 100, 'a removed container starts over');
});
