import type { FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;
/** A line longer than this is cut (conmon never writes such lines; a corrupt file might). */
const MAX_LINE = 1024 * 1024;

/**
 * Reads complete lines from an open file, starting at a position and remembering where it got
 * to, so a follower can call it again after the file grew. An unterminated last line is kept
 * back until its newline arrives.
 */
export class FileLineReader {
  private rest: Buffer = Buffer.alloc(0);
  private readonly buf = Buffer.alloc(CHUNK);

  constructor(readonly fh: FileHandle, public position = 0) {}

  /** The next batch of complete lines (without "\n"); empty at the current end of file. */
  async next(): Promise<Buffer[]> {
    const { bytesRead } = await this.fh.read(this.buf, 0, CHUNK, this.position);
    if (bytesRead === 0) return [];
    this.position += bytesRead;
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, this.buf.subarray(0, bytesRead)]) : Buffer.from(this.buf.subarray(0, bytesRead));
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    this.rest = data.subarray(start);
    if (this.rest.length > MAX_LINE) { lines.push(this.rest); this.rest = Buffer.alloc(0); }
    return lines;
  }

  /** Whatever is left without a newline (at the end of a file that will not grow). */
  takeRest(): Buffer | undefined {
    if (this.rest.length === 0) return undefined;
    const r = this.rest;
    this.rest = Buffer.alloc(0);
    return r;
  }
}
