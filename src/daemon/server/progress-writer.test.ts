import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ProgressWriter } from './progress-writer.js';

/** A sink that takes writes only when told to, like a socket whose client does not read. */
function stalledSink(): { sink: Writable; lines: () => string[]; release: () => void } {
  const got: string[] = [];
  const held: Array<() => void> = [];
  let open = false;
  const sink = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _enc, cb) {
      got.push(chunk.toString());
      if (open) cb();
      else held.push(cb);
    },
  });
  return {
    sink,
    lines: () => got.join('').split('\r\n').filter((l) => l !== ''),
    release: () => {
      open = true;
      while (held.length > 0) held.shift()!();
    },
  };
}

const count = (id: string, status: string, current: number): object => ({ status, progressDetail: { current, total: 100_000 }, id });

describe('ProgressWriter', () => {
  it('keeps what waits bounded while the client does not read, and keeps the order of steps', async () => {
    const { sink, lines, release } = stalledSink();
    const w = new ProgressWriter(sink);
    w.send({ status: 'Pulling from library/x', id: 'latest' });
    for (let i = 0; i < 100_000; i++) {
      w.send(count('aaa', 'Downloading', i));
      w.send(count('bbb', 'Downloading', i));
    }
    w.send({ status: 'Download complete', progressDetail: {}, id: 'aaa' });
    for (let i = 0; i < 100_000; i++) w.send(count('aaa', 'Extracting', i));
    w.send({ status: 'Pull complete', progressDetail: {}, id: 'aaa' });
    assert.ok(w.waiting <= 6, `${w.waiting} lines wait`);
    release();
    await w.end();
    const got = lines().map((l) => JSON.parse(l) as { status: string; id: string; progressDetail?: { current?: number } });
    const steps = got.filter((m) => m.id === 'aaa').map((m) => m.status).filter((s, i, a) => s !== a[i - 1]);
    assert.deepEqual(steps, ['Downloading', 'Download complete', 'Extracting', 'Pull complete']);
    // The newest counts are the ones that reach the client.
    assert.equal(got.filter((m) => m.status === 'Extracting').at(-1)!.progressDetail!.current, 99_999);
    assert.equal(got.filter((m) => m.id === 'bbb').at(-1)!.progressDetail!.current, 99_999);
    assert.ok(got.length < 100, `${got.length} lines sent`);
  });

  it('writes every line when the client keeps up', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
    const w = new ProgressWriter(sink);
    for (let i = 0; i < 5; i++) w.send(count('a', 'Downloading', i));
    await w.end();
    assert.equal(lines.length, 5);
    assert.ok(sink.writableEnded);
  });

  it('drops everything once the client is gone', async () => {
    const { sink } = stalledSink();
    const w = new ProgressWriter(sink);
    for (let i = 0; i < 1000; i++) w.send({ status: `step ${i}` });
    sink.destroy();
    await new Promise((r) => setImmediate(r));
    assert.equal(w.waiting, 0);
    w.send({ status: 'after' });
    assert.equal(w.waiting, 0);
    await w.end();
  });
});
