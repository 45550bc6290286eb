import type { HijackedConnection } from '../../../client/hijack.js';
import { FrameDecoder, STDERR, STDOUT, SYSTEMERR } from '../../../lib/streams/stdcopy.js';
import type { CliContext } from '../../context.js';

/** How to shuttle bytes between the terminal and an attached container. */
export interface StreamOptions {
  /** The container has a TTY: output is raw bytes, not stdcopy frames. */
  tty: boolean;
  /** Forward the CLI's stdin to the container. */
  stdin: boolean;
}

/**
 * Copies a hijacked attach connection to stdout/stderr (demultiplexing stdcopy frames when the
 * container has no TTY) and, when asked, stdin to the container; resolves when the container's
 * output ends. A TTY stdin is put in raw mode for the duration, so keys such as ctrl-p ctrl-q
 * reach the daemon's detach logic.
 */
export function pumpStreams(ctx: CliContext, conn: HijackedConnection, opts: StreamOptions): Promise<void> {
  const { socket } = conn;
  const decoder = opts.tty ? undefined : new FrameDecoder();
  const write = (chunk: Buffer): void => {
    if (!decoder) { if (!ctx.stdout.write(chunk)) { socket.pause(); ctx.stdout.once('drain', () => socket.resume()); } return; }
    for (const f of decoder.push(chunk)) {
      const target = f.stream === STDOUT ? ctx.stdout : f.stream === STDERR || f.stream === SYSTEMERR ? ctx.stderr : undefined;
      if (target && !target.write(f.payload)) { socket.pause(); target.once('drain', () => socket.resume()); }
    }
  };
  let restoreRaw = false;
  let onStdinData: ((chunk: Buffer) => void) | undefined;
  let onStdinEnd: (() => void) | undefined;
  if (opts.stdin) {
    if (opts.tty && ctx.stdin.isTTY && ctx.stdin.setRawMode) {
      ctx.stdin.setRawMode(true);
      restoreRaw = true;
    }
    onStdinData = (chunk) => { if (!socket.destroyed) socket.write(chunk); };
    // closing our write side tells the daemon stdin is done (docker's CloseWrite)
    onStdinEnd = () => { if (!socket.destroyed) socket.end(); };
    ctx.stdin.on('data', onStdinData);
    ctx.stdin.on('end', onStdinEnd);
    ctx.stdin.resume();
  }
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      if (onStdinData) ctx.stdin.off('data', onStdinData);
      if (onStdinEnd) ctx.stdin.off('end', onStdinEnd);
      if (opts.stdin) ctx.stdin.pause();
      if (restoreRaw) ctx.stdin.setRawMode?.(false);
      socket.destroy();
      resolve();
    };
    if (conn.head.length) write(conn.head);
    socket.on('data', write);
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    // A container that exits at once may have ended the stream while we were still waiting
    // for the start answer: its 'end' is then long past and would never come again.
    if (socket.destroyed || socket.readableEnded) finish();
  });
}

/**
 * Forwards SIGINT, SIGTERM and the other catchable signals to the container while attached
 * without a TTY (docker's --sig-proxy); returns the function that stops forwarding.
 */
export function proxySignals(forward: (signal: NodeJS.Signals) => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const handlers = signals.map((s) => {
    const h = (): void => forward(s);
    process.on(s, h);
    return [s, h] as const;
  });
  return () => { for (const [s, h] of handlers) process.off(s, h); };
}

/**
 * Keeps the container's TTY the size of the terminal: now, and on every SIGWINCH. With `nudge`
 * (attach), it first sets a size one larger, as docker's attach does, so that a shell redraws its
 * prompt for a user attaching again.
 */
export function followTerminalSize(ctx: CliContext, resize: (size: { h: number; w: number }) => Promise<void>, options: { nudge?: boolean } = {}): () => void {
  const out = ctx.stdout;
  if (!out.isTTY) return () => {};
  const send = (): Promise<void> => {
    const h = out.rows ?? 0;
    const w = out.columns ?? 0;
    // docker skips a 0x0 size: resizing to it would collapse the container's terminal
    return h || w ? resize({ h, w }).catch(() => {}) : Promise.resolve();
  };
  const onWinch = (): void => { void send(); };
  if (options.nudge) {
    resize({ h: (out.rows ?? 0) + 1, w: (out.columns ?? 0) + 1 }).catch(() => {}).then(send, send);
  } else {
    void send();
  }
  process.on('SIGWINCH', onWinch);
  return () => { process.off('SIGWINCH', onWinch); };
}
