import type { Router } from '../../server/router.js';
import { boolParam } from '../../server/context.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { ContainerBackend, AttachSessionLike } from './backend.js';
import { OutputEncoder, MULTIPLEXED_STREAM, RAW_STREAM } from './stream-writer.js';

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
 */
export function addAttachRoutes(r: Router, b: ContainerBackend): void {
  r.add('POST', '/containers/{id}/attach', async (ctx) => {
    const id = ctx.params.id!;
    const tty = b.containerTty(id);
    const q = ctx.query;
    const opts = { stdin: boolParam(q, 'stdin'), stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr'), logs: boolParam(q, 'logs'), stream: boolParam(q, 'stream') };
    const detach = parseDetachKeys(q.get('detachKeys') || 'ctrl-p,ctrl-q');
    const contentType = tty ? RAW_STREAM : MULTIPLEXED_STREAM;

    if (ctx.upgrade) {
      const { socket, head } = ctx.upgrade;
      const enc = new OutputEncoder(socket, tty);
      let session: AttachSessionLike | undefined;
      let ended = false;
      let clientGone = false;
      const finish = (): void => {
        if (ended) return;
        ended = true;
        enc.end();
      };
      // Listen before any await, so a client that leaves early is noticed.
      socket.on('close', () => {
        clientGone = true;
        session?.close();
      });
      socket.on('error', () => socket.destroy());
      socket.pause();
      // Attach first: only a session that exists gets the 101, so errors still have a status.
      session = await b.containerAttach(id, { output: (s, d) => void enc.write(s, d), end: finish }, opts);
      if (clientGone) {
        session.close();
        return;
      }
      socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
      ctx.hijacked = true;
      let matched = 0;
      const onStdin = (chunk: Buffer): void => {
        // Detach keys end the session without touching the container. As in Docker, only
        // with a TTY: binary stdin may contain any byte sequence.
        for (let i = 0; tty && i < chunk.length; i++) {
          if (chunk[i] === detach[matched]) {
            matched++;
            if (matched === detach.length) {
              session?.close();
              finish();
              return;
            }
          } else matched = chunk[i] === detach[0] ? 1 : 0;
        }
        session?.writeStdin(chunk);
      };
      if (head.length) onStdin(head);
      socket.on('data', onStdin);
      socket.on('end', () => session?.endStdin());
      socket.resume();
      return;
    }

    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': contentType });
    res.flushHeaders();
    const enc = new OutputEncoder(res, tty);
    await new Promise<void>((resolve) => {
      let session: AttachSessionLike | undefined;
      const onAbort = (): void => {
        session?.close();
        resolve();
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      void b.containerAttach(id, { output: (s, d) => void enc.write(s, d), end: () => { enc.end(); resolve(); } }, { ...opts, stdin: false }).then((s) => {
        session = s;
        if (ctx.signal.aborted) onAbort();
      }, () => { enc.end(); resolve(); });
    });
  }, { hijack: true });
}
