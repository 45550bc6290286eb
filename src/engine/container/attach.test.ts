import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { AttachConnection, ContainerRuntime } from '../../runtime/types.js';
import { AttachSession, type AttachSink } from './attach.js';

/** A monitor connection that records what the session does with it. */
class FakeConnection extends EventEmitter implements AttachConnection {
  paused = false;
  stdin: Buffer[] = [];
  stdinClosed = false;
  closed = false;
  /** writeStdin reports a full queue while this is true. */
  full = false;
  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; }
  writeStdin(data: Buffer): boolean { this.stdin.push(data); return !this.full; }
  closeStdin(): void { this.stdinClosed = true; }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
  output(stream: 'stdout' | 'stderr', text: string): void { this.emit('data', { stream, data: Buffer.from(text) }); }
}

function fakeRuntime(): { runtime: ContainerRuntime; conns: FakeConnection[] } {
  const conns: FakeConnection[] = [];
  const runtime = {
    attach: async () => {
      const c = new FakeConnection();
      conns.push(c);
      return c;
    },
  } as unknown as ContainerRuntime;
  return { runtime, conns };
}

function sink(): AttachSink & { got: string[]; ended: boolean; slow?: Promise<void> } {
  const s = {
    got: [] as string[],
    ended: false,
    slow: undefined as Promise<void> | undefined,
    output(stream: 'stdout' | 'stderr', data: Buffer) { s.got.push(`${stream}:${data.toString()}`); return s.slow; },
    end() { s.ended = true; },
  };
  return s;
}

describe('AttachSession', () => {
  it('stops reading the monitor while the client has not drained, and reads on after', async () => {
    const { runtime, conns } = fakeRuntime();
    const out = sink();
    const session = new AttachSession(out, { stdin: false, stdout: true, stderr: false });
    await session.connect(runtime, 'c1');
    const [conn] = conns;
    conn!.output('stdout', 'a');
    assert.equal(conn!.paused, false);
    let drained!: () => void;
    out.slow = new Promise((r) => { drained = r; });
    conn!.output('stdout', 'b');
    assert.equal(conn!.paused, true, 'paused until the sink drains');
    out.slow = undefined;
    drained();
    await new Promise((r) => setImmediate(r));
    assert.equal(conn!.paused, false);
    conn!.output('stderr', 'not asked for');
    assert.deepEqual(out.got, ['stdout:a', 'stdout:b']);
    conn!.close();
    assert.equal(out.ended, true);
    assert.equal(session.closed, true);
  });

  it('keeps reading (and dropping) the stdin connection, and passes its backpressure on', async () => {
    const { runtime, conns } = fakeRuntime();
    const out = sink();
    const session = new AttachSession(out, { stdin: true, stdout: true, stderr: true });
    assert.equal(session.writeStdin(Buffer.from('early')), undefined);
    await session.connect(runtime, 'c1');
    const [output, input] = conns;
    assert.deepEqual(input!.stdin.map(String), ['early'], 'stdin written before the connection is sent on connect');
    assert.equal(input!.listenerCount('data') > 0, true, 'the stdin connection is read');
    input!.output('stdout', 'duplicate');
    assert.deepEqual(out.got, []);
    input!.full = true;
    const wait = session.writeStdin(Buffer.from('more'));
    assert.ok(wait, 'a full stdin queue asks the caller to wait');
    let resumed = false;
    void wait.then(() => { resumed = true; });
    await new Promise((r) => setImmediate(r));
    assert.equal(resumed, false);
    input!.emit('drain');
    await new Promise((r) => setImmediate(r));
    assert.equal(resumed, true);
    session.endStdin();
    assert.equal(input!.stdinClosed, true);
    session.close();
    assert.equal(output!.closed && input!.closed, true);
  });

  it('bounds stdin held before the container starts', async () => {
    const session = new AttachSession(sink(), { stdin: true, stdout: true, stderr: true });
    let wait: Promise<void> | void;
    let written = 0;
    while (!(wait = session.writeStdin(Buffer.alloc(4096)))) written += 4096;
    assert.ok(written < 128 * 1024, `${written} bytes held before asking to wait`);
    session.close();
    await wait;
  });
});
