import { EventEmitter } from 'node:events';
import { SeqpacketSocket } from 'node-unix-socket';
import { UnavailableError } from '../../lib/errors/index.js';
import type { AttachConnection, OutputChunk } from '../types.js';

/** conmon prefixes each packet it sends with the stream it came from. */
const STREAM_STDOUT = 2;
const STREAM_STDERR = 3;
/** sun_path is 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 108;

/**
 * A client of conmon's attach socket (SOCK_SEQPACKET). Each packet from conmon is one byte of
 * stream id and the data; whatever we write is the container's stdin.
 */
export class ConmonAttachConnection extends EventEmitter implements AttachConnection {
  private closed = false;

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
    this.socket.write(data);
  }

  /**
   * Half-closes the socket: conmon sees EOF and closes the container's stdin (unless it runs with
   * --leave-stdin-open) while output keeps flowing to us.
   */
  closeStdin(): void {
    if (this.closed) return;
    this.socket.end();
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
