import { EventEmitter } from 'node:events';
import { UnavailableError } from '../../lib/errors/index.js';
import type { AttachConnection, OutputChunk } from '../types.js';
import { EAGAIN, seqpacket, type SeqpacketHandle } from './native/seqpacket.js';

/** conmon prefixes each packet it sends with the stream it came from. */
const STREAM_STDOUT = 2;
const STREAM_STDERR = 3;
/** conmon reads attach packets into an 8 KiB buffer (STDIO_BUF_SIZE). */
const STDIN_PACKET_MAX = 8192;
/** sun_path is 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 108;
/** Stdin queued beyond this makes writeStdin ask its caller to wait for 'drain'. */
const STDIN_HIGH_WATER = 64 * 1024;
/** conmon accepts promptly; a full backlog (EAGAIN) is retried this many times, 20 ms apart. */
const CONNECT_TRIES = 50;

/**
 * A client of conmon's attach socket (SOCK_SEQPACKET). Each packet from conmon is one byte of
 * stream id and the data; whatever we write is the container's stdin.
 *
 * Reading can be paused: while paused nothing is read, so conmon's writes to this socket block
 * once its buffer is full and the container slows down with it. The log, which conmon writes
 * first, loses nothing. Stdin is queued up to a high-water mark; past it `writeStdin` returns
 * false and 'drain' follows once the queue has gone to conmon.
 */
export class ConmonAttachConnection extends EventEmitter implements AttachConnection {
  readonly #handle: SeqpacketHandle;
  #closed = false;
  readonly #pending: Buffer[] = [];
  #pendingBytes = 0;
  #waitingWritable = false;
  #endRequested = false;
  #needDrain = false;

  private constructor(connect: (conn: ConmonAttachConnection) => SeqpacketHandle) {
    super();
    this.#handle = connect(this);
  }

  /** Connects to the socket at `socketPath`; rejects with UnavailableError if nobody listens. */
  static async connect(socketPath: string): Promise<ConmonAttachConnection> {
    if (Buffer.byteLength(socketPath) >= MAX_SOCKET_PATH) {
      throw new UnavailableError(`cannot attach: socket path longer than ${MAX_SOCKET_PATH - 1} bytes (shorten the exec root): ${socketPath}`);
    }
    const native = seqpacket();
    for (let attempt = 1; ; attempt++) {
      try {
        return new ConmonAttachConnection((conn) => native.connect(
          socketPath,
          (packet) => conn.#onPacket(packet),
          () => conn.close(),
          () => conn.#onWritable(),
        ));
      } catch (err) {
        const errno = (err as { errno?: number }).errno;
        if (errno === EAGAIN && attempt < CONNECT_TRIES) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        throw new UnavailableError(`cannot attach: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  #onPacket(packet: Buffer): void {
    if (packet.length < 2) return;
    const kind = packet[0];
    if (kind !== STREAM_STDOUT && kind !== STREAM_STDERR) return;
    const chunk: OutputChunk = { stream: kind === STREAM_STDOUT ? 'stdout' : 'stderr', data: packet.subarray(1) };
    this.emit('data', chunk);
  }

  /** Stops reading output until `resume`; conmon blocks on this socket meanwhile. */
  pause(): void {
    if (!this.#closed) seqpacket().pause(this.#handle);
  }

  resume(): void {
    if (!this.#closed) seqpacket().resume(this.#handle);
  }

  writeStdin(data: Buffer): boolean {
    if (this.#closed || this.#endRequested) return true;
    // Each write is one packet, and conmon reads packets into a fixed buffer: anything past it
    // would be dropped, so large input goes in pieces that fit.
    for (let off = 0; off < data.length; off += STDIN_PACKET_MAX) {
      const piece = data.subarray(off, Math.min(off + STDIN_PACKET_MAX, data.length));
      this.#pending.push(piece);
      this.#pendingBytes += piece.length;
    }
    this.#flush();
    if (this.#pendingBytes < STDIN_HIGH_WATER) return true;
    this.#needDrain = true;
    return false;
  }

  /** Sends queued stdin until the socket is full, then waits for it to become writable. */
  #flush(): void {
    if (this.#closed || this.#waitingWritable) return;
    const native = seqpacket();
    for (let next = this.#pending[0]; next; next = this.#pending[0]) {
      const n = native.write(this.#handle, next);
      if (n === -EAGAIN) {
        this.#waitingWritable = true;
        native.waitWritable(this.#handle);
        return;
      }
      if (n < 0) {
        this.close();
        return;
      }
      this.#pending.shift();
      this.#pendingBytes -= next.length;
    }
    if (this.#endRequested) native.shutdownWrite(this.#handle);
    if (this.#needDrain) {
      this.#needDrain = false;
      this.emit('drain');
    }
  }

  #onWritable(): void {
    this.#waitingWritable = false;
    this.#flush();
  }

  /**
   * Half-closes the socket once queued stdin is sent: conmon sees EOF and closes the container's
   * stdin (unless it runs with --leave-stdin-open) while output keeps flowing to us.
   */
  closeStdin(): void {
    if (this.#closed || this.#endRequested) return;
    this.#endRequested = true;
    this.#flush();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending.length = 0;
    seqpacket().close(this.#handle);
    // Someone waiting to write more stdin must not wait forever.
    if (this.#needDrain) this.emit('drain');
    this.emit('close');
  }
}
