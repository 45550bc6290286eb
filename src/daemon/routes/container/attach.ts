import type { Duplex, Writable } from 'node:stream';
import type { Router } from '../../server/router.js';
import { boolParam } from '../../server/context.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { ContainerBackend, AttachSessionLike } from './backend.js';
import { OutputEncoder, MULTIPLEXED_STREAM, RAW_STREAM } from './stream-writer.js';
import { pumpStdin } from './stdin-pump.js';

/** Parses Docker's detach key spec ("ctrl-p,ctrl-q", "a,ctrl-@") into bytes. */
export function parseDetachKeys(spec: string): Buffer {
  const out: number[] = [];
  for (const k of spec.split(',')) {
    const key = k.trim();
    if (key.length === 1) out.push(key.charCodeAt(0));
    else if (/^ctrl-[a-z@[\\\]^_]$/.test(key)) {
      const c = key.slice(5);
      out.push(c === '@' ? 0 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : c.charCodeAt(0) - 64);
    } else throw new InvalidArgumentError(`Invalid detach keys (${spec}) provided`);
  }
  return Buffer.from(out);
}

/**
 * `POST /containers/{id}/attach`: with `Upgrade: tcp` the connection is taken over (101) and
 * carries stdin in and output out; without it the output is the response body.
 *
 * Order on the wire: the status line first, always; then, with `logs=1`, the log so far; then,
 * with `stream=1`, live output. The live session is made before the status line, so that its
 * errors still get a status and a container started meanwhile loses no output; its output is
 * held back (and the monitor connection paused) until the replay is done.
 *
 * Flow control: output goes to the client only as fast as it drains (see OutputEncoder and
 * AttachSession), and stdin is read from the client only as fast as the container takes it.
 */
export function addAttachRoutes(r: Router, b: ContainerBackend): void {
  r.add('POST', '/containers/{id}/attach', async (ctx) => {
    const id = ctx.params.id!;
    const tty = b.containerTty(id);
    const q = ctx.query;
    const streams = { stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr') };
    const stdin = boolParam(q, 'stdin');
    const logs = boolParam(q, 'logs');
    const stream = boolParam(q, 'stream');
    const detach = parseDetachKeys(q.get('detachKeys') || 'ctrl-p,ctrl-q');
    const contentType = tty ? RAW_STREAM : MULTIPLEXED_STREAM;

    const out: Writable | Duplex = ctx.upgrade ? ctx.upgrade.socket : ctx.res!;
    const enc = new OutputEncoder(out, tty);
    let ended = false;
    const finish = (): void => {
      if (ended) return;
      ended = true;
      enc.end();
    };
    let live = false;
    let goLive!: () => void;
    const wentLive = new Promise<void>((resolve) => { goLive = resolve; });
    const sink = {
      output: (s: 'stdout' | 'stderr', d: Buffer): Promise<void> | void => (live ? enc.write(s, d) : wentLive.then(() => enc.write(s, d))),
      end: (): void => { if (live) finish(); else void wentLive.then(finish); },
    };
    let session: AttachSessionLike | undefined;
    let clientGone = false;
    // Listen before any await, so a client that leaves early is noticed.
    const onGone = (): void => {
      clientGone = true;
      session?.close();
    };
    if (ctx.upgrade) {
      ctx.upgrade.socket.on('close', onGone);
      ctx.upgrade.socket.on('error', () => ctx.upgrade!.socket.destroy());
      ctx.upgrade.socket.pause();
    } else {
      ctx.signal.addEventListener('abort', onGone, { once: true });
    }

    if (stream) session = await b.containerAttach(id, sink, { ...streams, stdin: stdin && !!ctx.upgrade });
    if (clientGone) {
      session?.close();
      return;
    }
    if (ctx.upgrade) {
      ctx.upgrade.socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
      ctx.hijacked = true;
    } else {
      ctx.res!.writeHead(200, { 'Content-Type': contentType });
      ctx.res!.flushHeaders();
    }

    if (logs) {
      try {
        const { entries } = b.containerLogs(id, { follow: false, ...streams, signal: ctx.signal });
        for await (const e of entries) {
          if (enc.closed) break;
          await enc.write(e.stream, e.data);
        }
      } catch {
        // After the status line the only way to report a failure is to end the stream.
        session?.close();
        finish();
        return;
      }
    }
    live = true;
    goLive();
    if (!session) {
      finish();
      return;
    }

    if (!ctx.upgrade) {
      // The response body ends when the session does (container exit or client gone).
      await new Promise<void>((resolve) => {
        if (ended || clientGone) return resolve();
        out.once('close', () => resolve());
        out.once('finish', () => resolve());
      });
      return;
    }

    const { socket, head } = ctx.upgrade;
    pumpStdin(socket, head, {
      write: (chunk) => session?.writeStdin(chunk),
      end: () => session?.endStdin(),
      detach: () => {
        session?.close();
        finish();
      },
    }, tty ? detach : undefined);
  }, { hijack: true });
}
