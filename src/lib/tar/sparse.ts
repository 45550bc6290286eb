import type { TarHeader } from './header.js';
import { InvalidArgumentError } from '../errors/index.js';

/** One stretch of data in a sparse file; everything between stretches is a hole. */
export interface SparseRegion {
  offset: number;
  length: number;
}

/** How a GNU sparse file is laid out in a PAX entry. */
export interface SparseLayout {
  /** The file's real name (the header carries a made-up "GNUSparseFile.<pid>/<name>"). */
  name: string;
  /** The file's full size, holes included. */
  realSize: number;
  /** The map, or null when it is stored at the start of the entry's data (format 1.0). */
  map: SparseRegion[] | null;
}

// A map bigger than this is not a file layout but an attempt to exhaust memory.
const MAX_REGIONS = 1_000_000;

function sizeValue(v: string | undefined, what: string, name: string): number {
  const n = v !== undefined && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: bad ${what} ${JSON.stringify(v)}`);
  return n;
}

function regionsFrom(numbers: number[], name: string): SparseRegion[] {
  const out: SparseRegion[] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) out.push({ offset: numbers[i]!, length: numbers[i + 1]! });
  if (out.length > MAX_REGIONS) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: more than ${MAX_REGIONS} regions`);
  return out;
}

/**
 * The sparse layout a PAX entry declares, or null for an ordinary entry. GNU tar writes three PAX
 * formats: 0.0 (repeated GNU.sparse.offset/numbytes records), 0.1 (GNU.sparse.map) and 1.0 (the
 * map at the start of the data). 0.0 repeats record names, which the tar reader collapses to the
 * last value, so only a single-region 0.0 file can be rebuilt; others are refused, never guessed.
 */
export function sparseLayout(h: TarHeader): SparseLayout | null {
  const pax = h.pax;
  if (!pax || !Object.keys(pax).some((k) => k.startsWith('GNU.sparse.'))) return null;
  const name = pax['GNU.sparse.name'] ?? h.name;
  const major = pax['GNU.sparse.major'];
  const minor = pax['GNU.sparse.minor'];
  if (major !== undefined || minor !== undefined) {
    if (major !== '1' || minor !== '0') throw new InvalidArgumentError(`unsupported sparse file format ${major}.${minor} for ${JSON.stringify(name)}`);
    return { name, realSize: sizeValue(pax['GNU.sparse.realsize'], 'size', name), map: null };
  }
  const realSize = sizeValue(pax['GNU.sparse.size'], 'size', name);
  const mapText = pax['GNU.sparse.map'];
  if (mapText !== undefined) {
    const numbers = mapText === '' ? [] : mapText.split(',').map((v) => sizeValue(v, 'map entry', name));
    if (numbers.length % 2 !== 0) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: odd number of map entries`);
    const map = regionsFrom(numbers, name);
    if (pax['GNU.sparse.numblocks'] !== undefined && sizeValue(pax['GNU.sparse.numblocks'], 'block count', name) !== map.length) {
      throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: map does not match its block count`);
    }
    return { name, realSize, map };
  }
  const blocks = sizeValue(pax['GNU.sparse.numblocks'], 'block count', name);
  if (blocks === 0) return { name, realSize, map: [] };
  if (blocks !== 1) throw new InvalidArgumentError(`unsupported sparse file ${JSON.stringify(name)}: PAX sparse format 0.0 with ${blocks} regions (use format 1.0)`);
  const offset = sizeValue(pax['GNU.sparse.offset'], 'offset', name);
  const length = sizeValue(pax['GNU.sparse.numbytes'], 'length', name);
  return { name, realSize, map: [{ offset, length }] };
}

/** Reads an entry body as exact-length pieces. */
class BodyReader {
  readonly #it: AsyncIterator<Buffer>;
  #pending: Buffer = Buffer.alloc(0);
  consumed = 0;

  constructor(body: AsyncIterable<Buffer>) {
    this.#it = body[Symbol.asyncIterator]();
  }

  /** Up to `max` bytes (fewer only at the end), or null at the end. */
  async next(max: number): Promise<Buffer | null> {
    if (this.#pending.length === 0) {
      const r = await this.#it.next();
      if (r.done) return null;
      this.#pending = r.value;
    }
    const out = this.#pending.subarray(0, max);
    this.#pending = this.#pending.subarray(out.length);
    this.consumed += out.length;
    return out;
  }

  /** One "\n"-terminated decimal number (format 1.0 map). */
  async number(name: string): Promise<number> {
    let text = '';
    for (;;) {
      if (this.#pending.length === 0) {
        const r = await this.#it.next();
        if (r.done) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: truncated map`);
        this.#pending = r.value;
        continue;
      }
      const nl = this.#pending.indexOf(0x0a);
      const piece = this.#pending.subarray(0, nl < 0 ? this.#pending.length : nl + 1);
      this.#pending = this.#pending.subarray(piece.length);
      this.consumed += piece.length;
      text += piece.toString('latin1');
      if (nl >= 0) return sizeValue(text.slice(0, -1), 'map entry', name);
      if (text.length > 16) return sizeValue(text, 'map entry', name);
    }
  }

  async skip(n: number, name: string): Promise<void> {
    while (n > 0) {
      const b = await this.next(n);
      if (b === null) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: truncated data`);
      n -= b.length;
    }
  }
}

async function readInlineMap(r: BodyReader, name: string): Promise<SparseRegion[]> {
  const count = await r.number(name);
  if (count > MAX_REGIONS) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: more than ${MAX_REGIONS} regions`);
  const numbers: number[] = [];
  for (let i = 0; i < count * 2; i++) numbers.push(await r.number(name));
  // The map is padded to a whole tar block before the data starts.
  await r.skip((512 - (r.consumed % 512)) % 512, name);
  return regionsFrom(numbers, name);
}

/** Where {@link writeSparse} writes: a FileHandle, or a synchronous fd wrapper. */
export interface SparseTarget {
  write(buf: Buffer, offset: number, length: number, position: number): unknown;
  truncate(len: number): unknown;
}

/**
 * Writes a sparse entry's body into `fh` as a sparse file: data regions at their offsets, holes
 * left unwritten, then the file extended to its real size. The map is checked first: regions in
 * order, not overlapping, inside the file, and adding up to exactly the data the entry carries.
 */
export async function writeSparse(fh: SparseTarget, body: AsyncIterable<Buffer>, layout: SparseLayout, storedSize: number): Promise<void> {
  const { name, realSize } = layout;
  const r = new BodyReader(body);
  const map = layout.map ?? (await readInlineMap(r, name));
  let end = 0;
  let data = 0;
  for (const { offset, length } of map) {
    if (offset < end || offset + length > realSize) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: map regions overlap or exceed the file size`);
    end = offset + length;
    data += length;
  }
  if (r.consumed + data !== storedSize) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: map describes ${data} bytes of data, the entry holds ${storedSize - r.consumed}`);
  for (const { offset, length } of map) {
    let done = 0;
    while (done < length) {
      const chunk = await r.next(length - done);
      if (chunk === null) throw new InvalidArgumentError(`invalid sparse file ${JSON.stringify(name)}: truncated data`);
      await fh.write(chunk, 0, chunk.length, offset + done);
      done += chunk.length;
    }
  }
  await fh.truncate(realSize);
}
