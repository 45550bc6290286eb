import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { kindOf } from '../lib/errors/index.js';
import { EngineClient } from './transport.js';
import { imageLoad } from './image-load.js';

/** A daemon that refuses every upload as soon as the headers are in, then closes without reading on. */
async function refusingDaemon(): Promise<{ host: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-refuse-'));
  const path = join(dir, 'd.sock');
  let round = 0;
  const server = net.createServer((socket) => {
    // read a varying part of the upload first, so the refusal lands at different moments
    // of the client's writes, then answer and close with the rest unread
    const readFirst = (round++ % 5) * 256 * 1024;
    let seen = 0;
    const onData = (c: Buffer): void => {
      seen += c.length;
      if (seen < readFirst + 1) return;
      socket.off('data', onData);
      socket.pause();
      const body = JSON.stringify({ message: 'invalid tar header' });
      socket.write(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, () => socket.destroy());
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    host: `unix://${path}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A 64 MiB upload in 64 KiB chunks that arrive asynchronously, as a file's do, so writes can
 * land between the daemon's close and the client reading its answer.
 */
function bigUpload(limit = 64 * 1024 * 1024): Readable {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return new Readable({
    read() {
      sent += chunk.length;
      setImmediate(() => this.push(sent > limit ? null : chunk));
    },
  });
}

test('an upload the daemon cuts short reports the daemon\'s answer, not EPIPE', async () => {
  const daemon = await refusingDaemon();
  try {
    const client = new EngineClient(daemon.host);
    // the race between the refusal and the writes goes either way; every round must give the answer
    for (let round = 0; round < 20; round++) {
      await assert.rejects(async () => {
        for await (const line of imageLoad(client, bigUpload())) assert.fail(`unexpected output ${line}`);
      }, (err: Error) => {
        assert.equal(err.message, 'invalid tar header', `round ${round}`);
        assert.equal(kindOf(err), 'invalid-argument');
        return true;
      });
    }
  } finally {
    await daemon.close();
  }
});
