// Assertions that show the whole command, exit code and output on failure, so
// a red test tells the daemon engineer what the user would have seen.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeResult, type RunResult } from './exec.js';

/** Asserts exit 0 and returns stdout. */
export function ok(r: RunResult): string {
  assert.equal(r.code, 0, `expected success\n${describeResult(r)}`);
  return r.stdout;
}

export function exitsWith(r: RunResult, code: number): void {
  assert.equal(r.code, code, `expected exit ${code}\n${describeResult(r)}`);
}

export function fails(r: RunResult): void {
  assert.notEqual(r.code, 0, `expected failure\n${describeResult(r)}`);
}

export function includes(haystack: string, needle: string | RegExp, r?: RunResult): void {
  const found = typeof needle === 'string' ? haystack.includes(needle) : needle.test(haystack);
  assert.ok(found, `expected ${String(needle)} in:\n${haystack}${r ? `\n${describeResult(r)}` : ''}`);
}

/** Non-empty lines. */
export function lines(s: string): string[] {
  return s.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
}

/** A name unique within the daemon, readable in failure output. */
export function uniq(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Polls fn until it returns something truthy; fails with `what` after timeoutMs. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(intervalMs);
  }
}

export const hex64 = /^[0-9a-f]{64}$/;
export const hex12 = /^[0-9a-f]{12}$/;

/** Whether a process exists (signal 0 reaches it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
