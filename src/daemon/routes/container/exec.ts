import type { Duplex, Readable, Writable } from 'node:stream';
import type { ExecConfig, ExecInspectResponse } from '../../../api/container.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import { checkJsonContentType, intParam, readJson } from '../../server/context.js';
import { sendEmpty, sendJson } from '../../server/respond.js';
import type { Router } from '../../server/router.js';
import { readRequestJson } from '../../server/upgrade-body.js';
import { parseDetachKeys } from './attach.js';
import { pumpStdin } from './stdin-pump.js';
import { MULTIPLEXED_STREAM, OutputEncoder, RAW_STREAM } from './stream-writer.js';

/** A started exec as the engine hands it over. */
export interface ExecRunLike {
  tty: boolean;
  startError?: string;
  stdout?: Readable;
  stderr?: Readable;
  stdin?: Writable;
  done: Promise<number>;
}

/** What the exec routes need from the engine. */
export interface ExecBackend {
  execCreate(containerRef: string, req: ExecConfig): { Id: string };
  /** Rejects before anything runs for an unknown exec, one already started, or a container that cannot take it. */
  execStart(id: string, opts: { consoleSize?: { height: number; width: number }; detach?: boolean }): Promise<ExecRunLike>;
  execResize(id: string, height: number, width: number): Promise<void>;
  execInspect(id: string): ExecInspectResponse;
}

function consoleSizeOf(v: unknown): { height: number; width: number } | undefined {
  if (v == null) return undefined;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => Number.isInteger(n) && (n as number) >= 0)) {
    throw new InvalidArgumentError('invalid ConsoleSize: want [height, width]');
  }
  return v[0] > 0 && v[1] > 0 ? { height: v[0] as number, width: v[1] as number } : undefined;
}

/** Copies one output stream to the client at the client's pace; once the client is gone, drains it so the process does not stall. */
async function pump(src: Readable | undefined, stream: 'stdout' | 'stderr', enc: OutputEncoder, detached: () => boolean): Promise<void> {
  if (!src) return;
  try {
    for await (const chunk of src as AsyncIterable<Buffer>) {
      if (enc.closed || detached()) break;
      await enc.write(stream, chunk);
    }
  } catch {
    // The process's pipe broke: nothing more to send.
  }
  if (!src.destroyed) src.resume();
}

/**
 * Exec routes: create, start (hijacked with `Upgrade: tcp`, or the response body; raw with a
 * TTY, multiplexed without), resize and inspect. Errors known before the process runs get a
 * status; a process that cannot start gets Docker's message in the stream instead.
 */
export function addExecRoutes(r: Router, b: ExecBackend): void {
  r.add('POST', '/containers/{id}/exec', async (ctx) => {
    checkJsonContentType(ctx);
    const body = await readJson(ctx);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('invalid exec configuration: a JSON object is required');
    sendJson(ctx, 201, b.execCreate(ctx.params.id!, body as ExecConfig));
  });

  r.add('GET', '/exec/{id}/json', async (ctx) => {
    sendJson(ctx, 200, b.execInspect(ctx.params.id!));
  });

  r.add('POST', '/exec/{id}/resize', async (ctx) => {
    const h = intParam(ctx.query, 'h') ?? 0;
    const w = intParam(ctx.query, 'w') ?? 0;
    await b.execResize(ctx.params.id!, h, w);
    sendEmpty(ctx, 200);
  });

  r.add('POST', '/exec/{id}/start', async (ctx) => {
    const body = (await readRequestJson(ctx)) ?? {};
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('invalid exec start configuration');
    const opts = body as { Detach?: unknown; ConsoleSize?: unknown };
    const detach = opts.Detach === true;
    const id = ctx.params.id!;
    const info = b.execInspect(id);
    const detachKeys = parseDetachKeys(info.DetachKeys as string || 'ctrl-p,ctrl-q');
    const run = await b.execStart(id, { detach, consoleSize: consoleSizeOf(opts.ConsoleSize) });

    if (detach) {
      // Nobody reads: drain so the process never blocks on a full pipe.
      run.stdout?.resume();
      run.stderr?.resume();
      run.stdin?.end();
      if (ctx.upgrade) ctx.upgrade.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      else sendEmpty(ctx, 200);
      return;
    }

    const contentType = run.tty ? RAW_STREAM : MULTIPLEXED_STREAM;
    const out: Writable | Duplex = ctx.upgrade ? ctx.upgrade.socket : ctx.res!;
    if (ctx.upgrade) {
      ctx.upgrade.socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
      ctx.hijacked = true;
    } else {
      ctx.res!.writeHead(200, { 'Content-Type': contentType });
      ctx.res!.flushHeaders();
    }
    const enc = new OutputEncoder(out, run.tty);
    if (run.startError !== undefined) {
      await enc.write('stdout', Buffer.from(`${run.startError}\r\n`));
      enc.end();
      return;
    }

    let detached = false;
    if (ctx.upgrade) {
      const { socket, head } = ctx.upgrade;
      const stdin = run.stdin;
      if (stdin) {
        stdin.on('error', () => {});
        pumpStdin(socket, head, {
          write: (chunk) => {
            if (stdin.writable && !stdin.write(chunk)) return new Promise<void>((resolve) => { stdin.once('drain', resolve); stdin.once('close', resolve); });
          },
          end: () => stdin.end(),
          detach: () => {
            detached = true;
            enc.end();
          },
        }, run.tty ? detachKeys : undefined);
      } else {
        // Input is not wanted, but reading notices a client that leaves.
        socket.on('data', () => {});
        socket.resume();
      }
    }
    await Promise.all([pump(run.stdout, 'stdout', enc, () => detached), pump(run.stderr, 'stderr', enc, () => detached)]);
    await run.done;
    enc.end();
  }, { hijack: true });
}
