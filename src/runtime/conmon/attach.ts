import { EventEmitter } from 'node:events';
import { SeqpacketSocket } from 'node-unix-socket';
import { UnavailableError } from '../../lib/errors/index.js';
import type { AttachConnection, OutputChunk } from '../types.js';

/** conmon prefixes each packet it sends with the stream it came from. */
const STREAM_STDOUT = 2;
const STREAM_STDERR = 3;
/** conmon reads attach packets into an 8 KiB buffer (STDIO_BUF_SIZE). */
const STDIN_PACKET_MAX = 8192;
/** sun_path is 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 108;

/**
 * A client of conmon's attach socket (SOCK_SEQPACKET). Each packet from conmon is one byte of
 * stream id and the data; whatever we write is the container's stdin.
 */
export class ConmonAttachConnection extends EventEmitter implements AttachConnection {
  private closed = false;
  private readonly pending: Buffer[] = [];
  private writing = false;
  private endRequested = false;

  private constructor(private readonly socket: SeqpacketSocket) {
    super();
    socket.on('data', (packet: Buffer) => this.onPacket(packet));
    socket.on('end', () => this.close());
    socket.on('error', () => this.close());
    socket.on('close', () => this.finish());
  }

  /** Connects to the socket at `socketPath`; rejects with UnavailableError if nobody listens. */
  static connect(socketPath: string): Promise<ConmonAttachConnection> {
    if (Buffer.byteLength(socketPath) >= MAX_SOCKET_PATH) {
      return Promise.reject(new UnavailableError(`cannot attach: socket path longer than ${MAX_SOCKET_PATH - 1} bytes (shorten the exec root): ${socketPath}`));
    }
    return new Promise((resolve, reject) => {
      const socket = new SeqpacketSocket();
      const onError = (err: Error): void => {
        socket.destroy();
        reject(new UnavailableError(`cannot attach: ${err.message}`, { cause: err }));
      };
      socket.once('error', onError);
      try {
        socket.connect(socketPath, () => {
          socket.off('error', onError);
          resolve(new ConmonAttachConnection(socket));
        });
      } catch (err) {
        onError(err as Error);
      }
    });
  }

  private onPacket(packet: Buffer): void {
    if (packet.length < 2) return;
    const kind = packet[0];
    if (kind !== STREAM_STDOUT && kind !== STREAM_STDERR) return;
    const chunk: OutputChunk = { stream: kind === STREAM_STDOUT ? 'stdout' : 'stderr', data: Buffer.from(packet.subarray(1)) };
    this.emit('data', chunk);
  }

  writeStdin(data: Buffer): void {
    if (this.closed || data.length === 0) return;
    // Each write is one packet, and conmon reads packets into a fixed buffer: anything past it
    // would be dropped, so large input goes in pieces that fit.
    for (let off = 0; off < data.length; off += STDIN_PACKET_MAX) {
      this.pending.push(data.subarray(off, Math.min(off + STDIN_PACKET_MAX, data.length)));
    }
    this.pump();
  }

  /**
   * Sends queued stdin one packet at a time, each after the previous one reached the kernel:
   * the socket binding does not retry a write the kernel refused for lack of buffer space.
   */
  private pump(): void {
    if (this.writing || this.closed) return;
    const next = this.pending.shift();
    if (!next) {
      if (this.endRequested) this.socket.end();
      return;
    }
    this.writing = true;
    this.socket.write(next, 0, next.length, () => {
      this.writing = false;
      this.pump();
    });
  }

  /**
   * Half-closes the socket once queued stdin is sent: conmon sees EOF and closes the container's
   * stdin (unless it runs with --leave-stdin-open) while output keeps flowing to us.
   */
  closeStdin(): void {
    if (this.closed) return;
    this.endRequested = true;
    this.pump();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.finish();
  }

  private finished = false;
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.closed = true;
    this.emit('close');
  }
}
