import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimestamp, parseGoDuration, parseTimestamp, timestampMs } from './timestamp.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 600);

test('Go durations count back from now, to the nanosecond', () => {
  assert.equal(parseGoDuration('10m'), 600e9);
  assert.equal(parseGoDuration('1h30m'), 5400e9);
  assert.equal(parseGoDuration('1.5s'), 1.5e9);
  assert.equal(parseGoDuration('250ms'), 250e6);
  assert.equal(parseGoDuration('-5s'), -5e9);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('10d'), undefined);
  assert.deepEqual(parseTimestamp('10m', NOW), { sec: Math.floor(NOW / 1000) - 600, nsec: 600_000_000 });
  assert.equal(formatTimestamp(parseTimestamp('1s', NOW)), `${Math.floor(NOW / 1000) - 1}.600000000`);
  // A negative duration is in the future, as Docker reads it.
  assert.equal(parseTimestamp('-1m', NOW).sec, Math.floor(NOW / 1000) + 60);
});

test('RFC 3339 dates and date-times, with a zone or in local time', () => {
  assert.deepEqual(parseTimestamp('2026-01-02T03:04:05Z'), { sec: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nsec: 0 });
  assert.deepEqual(parseTimestamp('2026-01-02T03:04:05.123456789Z'), { sec: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nsec: 123456789 });
  assert.deepEqual(parseTimestamp('2026-01-02T05:04:05+02:00'), { sec: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nsec: 0 });
  assert.equal(parseTimestamp('2026-01-02').sec, new Date(2026, 0, 2).getTime() / 1000);
  assert.equal(parseTimestamp('2026-01-02T03:04').sec, new Date(2026, 0, 2, 3, 4).getTime() / 1000);
  assert.throws(() => parseTimestamp('2026-13-02'), /parsing time "2026-13-02"/);
});

test('unix seconds keep their fraction as a decimal fraction', () => {
  assert.deepEqual(parseTimestamp('1700000000'), { sec: 1700000000, nsec: 0 });
  assert.deepEqual(parseTimestamp('1700000000.5'), { sec: 1700000000, nsec: 500_000_000 });
  assert.deepEqual(parseTimestamp('1700000000.000000001'), { sec: 1700000000, nsec: 1 });
  assert.equal(timestampMs(parseTimestamp('1700000000.25')), 1700000000250);
  // "0" is the epoch, not a zero duration.
  assert.deepEqual(parseTimestamp('0', NOW), { sec: 0, nsec: 0 });
});

test('anything else is refused with Docker\'s message', () => {
  assert.throws(() => parseTimestamp('yesterday'), { message: 'failed to parse value as time or duration: "yesterday"' });
  assert.throws(() => parseTimestamp('1.2.3'), { message: 'failed to parse value as time or duration: "1.2.3"' });
  assert.throws(() => parseTimestamp(''), /failed to parse/);
});
