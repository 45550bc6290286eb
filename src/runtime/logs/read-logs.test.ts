import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { LogEntry, LogReadOptions } from '../types.js';
import { parseLogLine } from './parse.js';
import { readLogs } from './read-logs.js';
import { until } from '../../lib/testing/until.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(dir, `c${n++}`, 'ctr.log');

/** A record at second `s` (2026-11-23T08:00:<s>). */
function rec(s: number, stream: 'stdout' | 'stderr', text: string, tag: 'F' | 'P' = 'F'): string {
  const t = `2026-11-23T08:00:${String(s).padStart(2, '0')}.000000001+00:00`;
  return `${t} ${stream} ${tag} ${text}\n`;
}
const T0 = Date.parse('2026-11-23T08:00:00Z') / 1000;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

async function collect(file: string, opts: LogReadOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readLogs(file, opts)) out.push(`${e.stream}:${e.data.toString()}`);
  return out;
}

describe('parseLogLine', () => {
  it('parses full, partial and empty lines', () => {
    const l = parseLogLine(Buffer.from('2026-11-23T07:53:10.424025909+00:00 stdout F hi there'));
    assert.equal(l?.time, '2026-11-23T07:53:10.424025909Z');
    assert.equal(l?.stream, 'stdout');
    assert.equal(l?.partial, false);
    assert.equal(l?.content.toString(), 'hi there');
    assert.ok(Math.abs(l!.seconds - (Date.parse('2026-11-23T07:53:10Z') / 1000 + 0.424025909)) < 1e-6);
    assert.equal(parseLogLine(Buffer.from('2026-11-23T07:53:10.1+00:00 stderr P'))?.content.length, 0);
    assert.equal(parseLogLine(Buffer.from('garbage')), undefined);
    assert.equal(parseLogLine(Buffer.from('2026-11-23T07:53:10Z stdin F x')), undefined);
  });
});

describe('readLogs', () => {
  it('reads rotated files oldest first, passing partial records on as they are', async () => {
    const f = fresh();
    write(`${f}.2`, rec(1, 'stdout', 'one'));
    write(`${f}.1`, rec(2, 'stdout', 'tw', 'P') + rec(2, 'stderr', 'err') + rec(3, 'stdout', 'o'));
    write(f, rec(4, 'stdout', 'three') + rec(5, 'stdout', ''));
    assert.deepEqual(await collect(f), ['stdout:one\n', 'stdout:tw', 'stderr:err\n', 'stdout:o\n', 'stdout:three\n', 'stdout:\n']);
    assert.deepEqual(await collect(f, { stderr: false }), ['stdout:one\n', 'stdout:tw', 'stdout:o\n', 'stdout:three\n', 'stdout:\n']);
    assert.deepEqual(await collect(f, { stdout: false }), ['stderr:err\n']);
  });

  it('tails across files, counting records as Docker counts json-file entries', async () => {
    const f = fresh();
    write(`${f}.1`, rec(1, 'stdout', 'a') + rec(2, 'stdout', 'b', 'P'));
    write(f, rec(2, 'stdout', 'c') + rec(3, 'stderr', 'd') + rec(4, 'stdout', 'e'));
    assert.deepEqual(await collect(f, { tail: 2 }), ['stderr:d\n', 'stdout:e\n']);
    assert.deepEqual(await collect(f, { tail: 3 }), ['stdout:c\n', 'stderr:d\n', 'stdout:e\n']);
    assert.deepEqual(await collect(f, { tail: 4 }), ['stdout:b', 'stdout:c\n', 'stderr:d\n', 'stdout:e\n']);
    assert.deepEqual(await collect(f, { tail: 2, stderr: false }), ['stdout:c\n', 'stdout:e\n']);
    assert.deepEqual(await collect(f, { tail: 100 }), ['stdout:a\n', 'stdout:b', 'stdout:c\n', 'stderr:d\n', 'stdout:e\n']);
    assert.deepEqual(await collect(f, { tail: 0 }), []);
  });

  it('tails a large file without reading it all at once', async () => {
    const f = fresh();
    let text = '';
    for (let i = 0; i < 20000; i++) text += rec(i % 60, 'stdout', `line ${i}`);
    write(f, text);
    assert.deepEqual(await collect(f, { tail: 3 }), ['stdout:line 19997\n', 'stdout:line 19998\n', 'stdout:line 19999\n']);
  });

  it('streams a long line in bounded pieces, and tail counts its pieces', async () => {
    const f = fresh();
    const piece = 'x'.repeat(8192);
    let text = rec(1, 'stdout', 'before');
    for (let i = 0; i < 40; i++) text += rec(2, 'stdout', piece, 'P');
    text += rec(3, 'stderr', 'between') + rec(4, 'stdout', 'end') + rec(5, 'stdout', 'after');
    write(f, text);
    const all: LogEntry[] = [];
    for await (const e of readLogs(f, {})) all.push(e);
    assert.ok(all.every((e) => e.data.length <= 16 * 1024));
    assert.equal(Buffer.concat(all.filter((e) => e.stream === 'stdout').map((e) => e.data)).toString(), `before\n${piece.repeat(40)}end\nafter\n`);
    // Each piece is an entry, as in Docker: --tail of an output without newlines is its last pieces.
    const tail5: LogEntry[] = [];
    for await (const e of readLogs(f, { tail: 5 })) tail5.push(e);
    assert.equal(tail5.length, 5);
    assert.equal(Buffer.concat(tail5.map((e) => e.data)).length, 2 * 8192 + 'between\nend\nafter\n'.length);
    assert.deepEqual(await collect(f, { tail: 1 }), ['stdout:after\n']);
  });

  it('cuts a record longer than 16 KiB into pieces', async () => {
    const f = fresh();
    write(f, rec(1, 'stderr', 'y'.repeat(40000)));
    const sizes: number[] = [];
    for await (const e of readLogs(f, {})) sizes.push(e.data.length);
    assert.deepEqual(sizes, [16384, 16384, 40001 - 32768]);
  });

  it('keeps or drops a split line whole by the time it started', async () => {
    const f = fresh();
    write(f, rec(1, 'stdout', 'a', 'P') + rec(3, 'stdout', 'b') + rec(4, 'stdout', 'c'));
    assert.deepEqual(await collect(f, { since: T0 + 2 }), ['stdout:c\n']);
    assert.deepEqual(await collect(f, { until: T0 + 2 }), ['stdout:a', 'stdout:b\n']);
  });

  it('applies since and until', async () => {
    const f = fresh();
    write(f, rec(1, 'stdout', 'a') + rec(2, 'stdout', 'b') + rec(3, 'stdout', 'c'));
    assert.deepEqual(await collect(f, { since: T0 + 2 }), ['stdout:b\n', 'stdout:c\n']);
    assert.deepEqual(await collect(f, { until: T0 + 2.5 }), ['stdout:a\n', 'stdout:b\n']);
  });

  it('returns nothing for a missing log', async () => {
    assert.deepEqual(await collect(fresh()), []);
  });

  it('follows appends and rotation until stopped', async () => {
    const f = fresh();
    write(f, rec(1, 'stdout', 'first'));
    let stop!: () => void;
    const stopped = new Promise<void>((r) => { stop = r; });
    const seen: LogEntry[] = [];
    const done = (async () => { for await (const e of readLogs(f, { follow: true, tail: 1, stopped })) seen.push(e); })();
    const caughtUp = (n: number, what: string): Promise<boolean> => until(() => seen.length >= n, `the follower to deliver ${what} (has ${seen.length})`);
    await caughtUp(1, 'the tail');
    appendFileSync(f, rec(2, 'stdout', 'second'));
    await caughtUp(2, 'the append');
    renameSync(f, `${f}.1`);
    appendFileSync(`${f}.1`, rec(3, 'stderr', 'late in old file'));
    writeFileSync(f, rec(4, 'stdout', 'in new file', 'P'));
    // Both the rest of the old file and the start of the new one: the follower has switched.
    await caughtUp(4, 'the rotated and the new file');
    appendFileSync(f, rec(5, 'stdout', ' done'));
    stop();
    await done;
    assert.deepEqual(seen.map((e) => e.data.toString()), ['first\n', 'second\n', 'late in old file\n', 'in new file', ' done\n']);
  });

  it('follow waits for the file and stops on abort', async () => {
    const f = fresh();
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => { for await (const e of readLogs(f, { follow: true, signal: ac.signal })) seen.push(e.data.toString()); })();
    // Nothing outside the follower shows that it has looked for the file and now waits for it, so
    // a short pause lets it get there; were it too short, the test would cover the plain open
    // instead, and still could not pass wrongly.
    await delay(50);
    write(f, rec(1, 'stdout', 'hello'));
    await until(() => seen.length > 0, 'the follower to deliver the line of the new file');
    ac.abort();
    await done;
    assert.deepEqual(seen, ['hello\n']);
  });
});

function delay(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }
