// Streams berthd writes to clients: a client that stops reading costs berthd a bounded amount
// and, when it resumes, reads a well-formed stream; attach puts its status line first.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { ok, waitFor } from '../../helpers/assert.js';
import { heldInPipeWrite } from '../../../src/lib/testing/pipe-write.js';

/** A raw HTTP/1.1 exchange on berthd's socket: what a client without an HTTP library sees. */
class RawClient {
  readonly socket: Socket;
  #buf: Buffer = Buffer.alloc(0);
  #ended = false;
  #wake?: () => void;

  constructor(path: string, request: string) {
    this.socket = connect(path);
    this.socket.on('data', (c: Buffer) => { this.#buf = Buffer.concat([this.#buf, c]); this.#poke(); });
    this.socket.on('end', () => { this.#ended = true; this.#poke(); });
    this.socket.on('close', () => { this.#ended = true; this.#poke(); });
    this.socket.write(request);
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Waits until at least `n` bytes are buffered (or the stream ended) and takes up to `n`. */
  async take(n: number): Promise<Buffer> {
    while (this.#buf.length < n && !this.#ended) await new Promise<void>((r) => { this.#wake = r; });
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(out.length);
    return out;
  }

  /** The response head, up to and including the blank line. */
  async head(): Promise<string> {
    for (;;) {
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end >= 0) return (await this.take(end + 4)).toString('latin1');
      if (this.#ended) return this.#buf.toString('latin1');
      await new Promise<void>((r) => { this.#wake = r; });
    }
  }

  /** Everything until the server closes. */
  async rest(): Promise<Buffer> {
    while (!this.#ended) await new Promise<void>((r) => { this.#wake = r; });
    const out = this.#buf;
    this.#buf = Buffer.alloc(0);
    return out;
  }

  /** One stdcopy frame, checking its header; undefined at the end of the stream. */
  async frame(): Promise<{ stream: number; data: Buffer } | undefined> {
    const h = await this.take(8);
    if (h.length === 0) return undefined;
    assert.equal(h.length, 8, 'truncated frame header');
    assert.ok(h[0] === 1 || h[0] === 2, `bad stream byte ${h[0]}`);
    assert.deepEqual([...h.subarray(1, 4)], [0, 0, 0], 'bad frame header padding');
    const size = h.readUInt32BE(4);
    const data = await this.take(size);
    assert.equal(data.length, size, 'truncated frame');
    return { stream: h[0]!, data };
  }

  close(): void {
    this.socket.destroy();
  }
}

function attachRequest(id: string, query: string): string {
  return `POST /v1.50/containers/${id}/attach?${query} HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`;
}


describe('integration: bounded streams', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('attach with logs=1 sends the 101 first, then the log, with and without stream', async () => {
    const id = ok(await d.docker(['run', '-d', 'busybox', 'sh', '-c', 'echo first; echo second >&2; exec sleep 60'])).trim();
    await waitFor('the first line in the log', async () => ok(await d.docker(['logs', id])).includes('first'));

    const once = new RawClient(d.socket, attachRequest(id, 'logs=1&stream=0&stdout=1&stderr=1'));
    assert.match(await once.head(), /^HTTP\/1\.1 101 UPGRADED\r\n/);
    const frames: string[] = [];
    for (let f = await once.frame(); f; f = await once.frame()) frames.push(`${f.stream}:${f.data.toString()}`);
    assert.deepEqual(frames.sort(), ['1:first\n', '2:second\n']);

    const live = new RawClient(d.socket, attachRequest(id, 'logs=1&stream=1&stdout=1'));
    assert.match(await live.head(), /^HTTP\/1\.1 101 UPGRADED\r\n/);
    assert.deepEqual(await live.frame(), { stream: 1, data: Buffer.from('first\n') });
    live.close();
    ok(await d.docker(['rm', '-f', id]));
  });

  it('an attach client that stops reading slows the container, and then reads everything in order', async () => {
    const id = ok(await d.docker(['run', '-d', 'busybox', 'seq', '1', '100000000'])).trim();
    const client = new RawClient(d.socket, attachRequest(id, 'stream=1&stdout=1'));
    assert.match(await client.head(), /^HTTP\/1\.1 101 UPGRADED\r\n/);
    const first = await client.frame();
    assert.ok(first);
    client.socket.pause();
    // Stalled until every buffer between the container and us is full: seq itself is held.
    const pid = Number(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', id])).trim());
    await waitFor('seq to be held back by the stalled client', () => heldInPipeWrite(pid), 30_000);
    client.socket.resume();
    // What follows is a gap-free run of numbers: nothing was dropped on the way.
    let text = first.data.toString();
    while (text.length < 4 * 1024 * 1024) {
      const f = await client.frame();
      assert.ok(f, 'the stream ended early');
      text += f.data.toString();
    }
    client.close();
    const lines = text.split('\n').slice(1, -1).map(Number);
    for (let i = 1; i < lines.length; i++) assert.equal(lines[i], lines[i - 1]! + 1, `gap after ${lines[i - 1]}`);
    ok(await d.docker(['rm', '-f', id]));
  });

  it('logs of a long line come in pieces of at most 16 KiB; tail counts pieces, as Docker counts entries', async () => {
    const script = "echo before; head -c 3000000 /dev/zero | tr '\\0' x; echo; echo after";
    const id = ok(await d.docker(['run', '-d', 'busybox', 'sh', '-c', script])).trim();
    assert.equal(ok(await d.docker(['wait', id])).trim(), '0');
    for (const query of ['', '&tail=2']) {
      const c = new RawClient(d.socket, `GET /v1.50/containers/${id}/logs?stdout=1${query} HTTP/1.1\r\nHost: berth\r\nConnection: close\r\n\r\n`);
      assert.match(await c.head(), /^HTTP\/1\.1 200 /);
      const body = dechunk(await c.rest());
      let total = 0;
      let text = '';
      for (let off = 0; off < body.length;) {
        const size = body.readUInt32BE(off + 4);
        assert.ok(size <= 16 * 1024, `a frame of ${size} bytes`);
        const data = body.subarray(off + 8, off + 8 + size);
        text += data.toString().replace(/x/g, '');
        total += size;
        off += 8 + size;
      }
      if (query) assert.ok(total >= 7 && total <= 16 * 1024 + 6, `tail=2 is the last piece and "after" (${total} bytes)`);
      else assert.equal(total, 3_000_000 + 14);
      assert.equal(text, query ? '\nafter\n' : 'before\n\nafter\n');
    }
    ok(await d.docker(['rm', id]));
  });

  it('an /events client that does not read has its stream cut between two events, as an error', async () => {
    const events = new RawClient(d.socket, 'GET /v1.50/events HTTP/1.1\r\nHost: berth\r\n\r\n');
    assert.match(await events.head(), /^HTTP\/1\.1 200 /);
    events.socket.pause();
    // Big labels make big events: 40 creates and removes send about 5 MB of events.
    const Labels = { filler: 'x'.repeat(60_000) };
    for (let i = 0; i < 40; i++) {
      const r = await d.api({ method: 'POST', path: '/v1.50/containers/create', body: { Image: 'busybox', Cmd: ['true'], Labels } });
      assert.equal(r.status, 201, r.body);
      const { Id } = r.json<{ Id: string }>();
      assert.equal((await d.api({ method: 'DELETE', path: `/v1.50/containers/${Id}` })).status, 204);
    }
    events.socket.resume();
    const raw = await events.rest();
    // Cut, not finished: without the final chunk the client knows it missed events.
    assert.ok(!raw.toString('latin1').endsWith('0\r\n\r\n'), 'a cut stream ended like a complete one');
    const lines = dechunk(raw).toString().split('\n');
    assert.equal(lines.pop(), '', 'the stream ends with a whole event');
    assert.ok(lines.length > 0 && lines.length < 80, `${lines.length} events delivered`);
    for (const l of lines) assert.equal((JSON.parse(l) as { Type: string }).Type, 'container');
    // The daemon is fine and other clients get events.
    const r = await d.api({ method: 'GET', path: `/v1.50/events?since=0&until=${Math.ceil(Date.now() / 1000)}` });
    assert.equal(r.status, 200);
  });
});

/** The body of a chunked HTTP/1.1 response. */
function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', off);
    if (eol < 0) break;
    const size = parseInt(raw.toString('latin1', off, eol), 16);
    if (!size) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    off = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
