/**
 * Docker's multiplexed stream framing for non-TTY attach and logs: an 8-byte header
 * [stream, 0, 0, 0, size uint32 big-endian] then `size` bytes. Stream 0 is stdin, 1 stdout,
 * 2 stderr, 3 systemerr (API >= 1.42).
 */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSTEMERR = 3;

/** Frames one payload. */
export function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Splits a byte stream of frames back into (stream, payload) pairs, across chunk boundaries. */
export class FrameDecoder {
  #buf: Buffer = Buffer.alloc(0);
  /** Feeds bytes; returns the complete frames they finish. */
  push(chunk: Buffer): Array<{ stream: number; payload: Buffer }> {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    const out: Array<{ stream: number; payload: Buffer }> = [];
    while (this.#buf.length >= 8) {
      const size = this.#buf.readUInt32BE(4);
      if (this.#buf.length < 8 + size) break;
      out.push({ stream: this.#buf[0]!, payload: this.#buf.subarray(8, 8 + size) });
      this.#buf = this.#buf.subarray(8 + size);
    }
    return out;
  }
  /** Bytes held back waiting for the rest of a frame. */
  get pending(): number {
    return this.#buf.length;
  }
}
