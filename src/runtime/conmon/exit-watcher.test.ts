import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { ExitRecord } from '../types.js';
import { ExitWatcher } from './exit-watcher.js';
import { readSyncMessage } from './sync-pipe.js';
import { until } from '../../lib/testing/until.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-exits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ExitWatcher', () => {
  it('reports each exit file once, skips pending ids, and sees rewrites', async () => {
    writeFileSync(path.join(dir, 'early'), '0');
    const pending = new Set(['busy']);
    const seen: Array<[string, ExitRecord]> = [];
    // No timed poll: each step awaits a scan, which also waits out one already under way (from
    // start or an fs.watch event), so every write before it has been looked at.
    const w = new ExitWatcher(dir, async (_id, e) => ({ ...e, oomKilled: true }), 3_600_000, undefined, (id) => pending.has(id));
    w.add((id, e) => seen.push([id, e]));
    await w.scan();
    assert.deepEqual(seen.map(([id]) => id), ['early'], 'an exit written before watching is reported');
    writeFileSync(path.join(dir, 'a'), '137');
    writeFileSync(path.join(dir, 'busy'), '1');
    writeFileSync(path.join(dir, 'partial'), '');
    await w.scan();
    assert.deepEqual(seen.map(([id, e]) => [id, e.exitCode, e.oomKilled]).sort(), [['a', 137, true], ['early', 0, true]]);
    pending.delete('busy');
    writeFileSync(path.join(dir, 'partial'), '2');
    await w.scan();
    assert.deepEqual(seen.map(([id]) => id).sort(), ['a', 'busy', 'early', 'partial']);
    // A re-created container writes a new file: reported again.
    writeFileSync(path.join(dir, 'a'), '5');
    utimesSync(path.join(dir, 'a'), new Date(), new Date(Date.now() + 5000));
    await w.scan();
    assert.deepEqual(seen.filter(([id]) => id === 'a').map(([, e]) => e.exitCode), [137, 5]);
    w.close();
  });

  it('reports an exit on its own, without being asked to scan', async () => {
    const own = mkdtempSync(path.join(dir, 'own-'));
    const seen: string[] = [];
    const w = new ExitWatcher(own, async (_id, e) => e, 50);
    w.add((id) => seen.push(id));
    writeFileSync(path.join(own, 'later'), '0');
    await until(() => seen.length > 0, 'the exit of "later" to be reported');
    assert.deepEqual(seen, ['later']);
    w.close();
  });
});

describe('readSyncMessage', () => {
  it('parses the first message without waiting for EOF', async () => {
    const p = new PassThrough();
    const msg = readSyncMessage(p, 1000);
    p.write('{"data": ');
    p.write('1234}\n');
    assert.deepEqual(await msg, { data: 1234, message: undefined });
  });
  it('carries the runtime error and handles early close', async () => {
    const p = new PassThrough();
    const msg = readSyncMessage(p, 1000);
    p.end('{"data": -1, "message": "exec failed"}');
    assert.deepEqual(await msg, { data: -1, message: 'exec failed' });
    const q = new PassThrough();
    const none = readSyncMessage(q, 1000);
    q.end();
    assert.equal(await none, undefined);
  });
});
