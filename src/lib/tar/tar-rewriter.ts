import { Transform, type TransformCallback } from 'node:stream';
import { InvalidArgumentError } from '../errors/index.js';

const BLOCK = 512;
// The tar reader's own limit for a PAX header: a larger one fails there, we need not read it.
const MAX_PAX = 4 << 20;
// Old GNU sparse maps longer than this are refused: 21 regions per extension block.
const MAX_EXTENSION_BLOCKS = 50_000;

type Pax = Array<[string, Buffer]>;

/** Where an entry's extended attributes reach the layer writer, hex-encoded (see TarRewriter). */
export const XATTR_RECORD_PREFIX = 'BERTH.xattr.';
const SCHILY_XATTR = 'SCHILY.xattr.';

/** A numeric header field as the tar reader decodes it (octal text or base-256); NaN if negative or unreadable. */
function numField(b: Buffer, off: number, len: number): number {
  const f = b.subarray(off, off + len);
  if (f[0]! & 0x80) {
    if (f[0] !== 0x80) return NaN;
    let n = 0;
    for (let i = 1; i < f.length; i++) n = n * 256 + f[i]!;
    return n;
  }
  let s = 0;
  while (s < f.length && f[s] === 0x20) s++;
  let e = f.indexOf(0x20, s);
  if (e < 0) e = f.length;
  while (s < e && f[s] === 0) s++;
  if (s === e) return 0;
  return parseInt(f.subarray(s, e).toString('latin1'), 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === numField(h, 148, 8);
}

function setChecksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i]!;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

function setSize(h: Buffer, size: number): void {
  if (size < 8 ** 11) {
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    return;
  }
  h.fill(0, 124, 136);
  h[124] = 0x80;
  for (let i = 135, n = size; i > 124; i--, n = Math.floor(n / 256)) h[i] = n % 256;
}

const pad = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;

/** PAX records in order (names may repeat, values stay raw bytes), framed as the tar reader frames them. */
function decodePax(buf: Buffer): Pax {
  const out: Pax = [];
  while (buf.length > 0) {
    const sp = buf.indexOf(0x20);
    const len = parseInt(buf.subarray(0, sp < 0 ? buf.length : sp).toString(), 10);
    if (!len || sp < 0) break;
    const rec = buf.subarray(sp + 1, len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq < 0) break;
    out.push([rec.subarray(0, eq).toString(), rec.subarray(eq + 1)]);
    buf = buf.subarray(len);
  }
  return out;
}

function encodePax(pax: Pax): Buffer {
  const out: Buffer[] = [];
  for (const [k, v] of pax) {
    const body = Buffer.concat([Buffer.from(` ${k}=`), v, Buffer.from('\n')]);
    let len = body.length + String(body.length).length;
    if (String(len).length + body.length !== len) len++;
    out.push(Buffer.from(String(len)), body);
  }
  return Buffer.concat(out);
}

const text = (v: string): Buffer => Buffer.from(v);

function paxHeaderBlock(size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write('././@PaxHeader', 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  setSize(h, size);
  h.write('00000000000\0', 136, 'latin1');
  h[156] = 0x78; // 'x'
  h.write('ustar\x0000', 257, 'latin1');
  setChecksum(h);
  return h;
}

function paxEntry(pax: Pax): Buffer {
  const data = encodePax(pax);
  return Buffer.concat([paxHeaderBlock(data.length), data, Buffer.alloc(pad(data.length))]);
}

/** Offset/length pairs from old GNU sparse slots (24 bytes each); an empty slot ends the map. */
function readSlots(b: Buffer, off: number, count: number, into: number[]): boolean {
  for (let i = 0; i < count; i++) {
    const at = off + i * 24;
    if (b[at] === 0) return false;
    const o = numField(b, at, 12);
    const n = numField(b, at + 12, 12);
    if (!Number.isSafeInteger(o) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('invalid GNU sparse map');
    into.push(o, n);
  }
  return true;
}

/**
 * Rewrites what the tar reader cannot express into forms it can, leaving everything else byte for
 * byte. Extended attributes (SCHILY.xattr.* records, binary values) become hex-encoded records
 * named by XATTR_RECORD_PREFIX. The two GNU sparse encodings become the PAX 0.1 form (a
 * GNU.sparse.map record):
 * - old-style GNU sparse entries (type 'S'): the map sits in header fields the reader ignores and in
 *   extension blocks that the size field does not count, so the reader would misframe the archive;
 * - PAX 0.0 sparse entries: the map is repeated GNU.sparse.offset/numbytes records, which the
 *   reader collapses to the last pair.
 * It tracks entry framing the way the reader does (PAX size records, directories without data),
 * so the entries it sees are the reader's. Runs on the uncompressed stream after the DiffID is
 * taken, so the digest is of the original bytes.
 */
export class TarRewriter extends Transform {
  #pending: Buffer[] = [];
  #have = 0;
  /** What the next bytes are: a header, data to pass, a PAX body to read, or sparse extensions. */
  #state: 'header' | 'pass' | 'pax' | 'ext' | 'rest' = 'header';
  #passLeft = 0;
  #paxLen = 0;
  #globalSize: string | undefined;
  #nextSize: string | undefined;
  #heldHeader: Buffer | null = null;
  #sparseMap: number[] = [];
  #extBlocks = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.#feed(chunk);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    // A truncated archive: hand over what is left for the reader to complain about.
    if (this.#have > 0) this.push(this.#take(this.#have));
    cb();
  }

  #take(n: number): Buffer {
    const all = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#have = rest.length;
    return out;
  }

  #feed(chunk: Buffer): void {
    this.#pending.push(chunk);
    this.#have += chunk.length;
    for (;;) {
      if (this.#state === 'rest') {
        if (this.#have > 0) this.push(this.#take(this.#have));
        return;
      }
      if (this.#state === 'pass') {
        if (this.#have === 0) return;
        const n = Math.min(this.#have, this.#passLeft);
        this.push(this.#take(n));
        this.#passLeft -= n;
        if (this.#passLeft === 0) this.#state = 'header';
        continue;
      }
      const need = this.#state === 'pax' ? this.#paxLen + pad(this.#paxLen) : BLOCK;
      if (this.#have < need) return;
      const block = Buffer.from(this.#take(need));
      if (this.#state === 'header') this.#header(block);
      else if (this.#state === 'pax') this.#pax(block);
      else this.#extension(block);
    }
  }

  #pass(n: number): void {
    this.#passLeft = n + pad(n);
    this.#state = this.#passLeft > 0 ? 'pass' : 'header';
  }

  #header(h: Buffer): void {
    if (h.every((b) => b === 0)) { this.push(h); return; }
    const size = numField(h, 124, 12);
    if (!checksumOk(h) || !Number.isSafeInteger(size)) {
      // Not a header the reader accepts either: it will fail on it, we need not understand it.
      this.push(h);
      this.#state = 'rest';
      return;
    }
    const flag = h[156]!;
    switch (flag) {
      case 0x78: // 'x', 'g': local and global PAX records
      case 0x67:
        if (size > MAX_PAX) break;
        this.#heldHeader = h;
        this.#paxLen = size;
        this.#state = 'pax';
        return;
      case 0x4c: // 'L', 'K': GNU long names
      case 0x4b:
        this.push(h);
        this.#pass(size);
        return;
      case 0x53: // 'S': old GNU sparse
        this.#sparseMap = [];
        this.#extBlocks = 0;
        readSlots(h, 386, 4, this.#sparseMap);
        if (h[482] !== 0) {
          this.#heldHeader = h;
          this.#state = 'ext';
          return;
        }
        this.#emitSparse(h);
        return;
    }
    this.push(h);
    // The reader ignores the data of directories, and a type-0 entry named "x/" is a directory.
    const isDir = flag === 0x35 || ((flag === 0 || flag === 0x30) && this.#nameEndsInSlash(h));
    const paxSize = this.#nextSize;
    this.#nextSize = undefined;
    if (isDir) { this.#state = 'header'; return; }
    const length = paxSize ? parseInt(paxSize, 10) : size;
    if (!(length >= 0)) { this.#state = 'rest'; return; }
    this.#pass(length);
  }

  #nameEndsInSlash(h: Buffer): boolean {
    const end = h.indexOf(0, 0);
    const nameLen = end < 0 || end > 100 ? 100 : end;
    if (nameLen > 0) return h[nameLen - 1] === 0x2f;
    // An empty name with a ustar prefix reads as "prefix/".
    return h.subarray(257, 263).toString('latin1') === 'ustar\0' && h[345] !== 0;
  }

  #pax(body: Buffer): void {
    const h = this.#heldHeader!;
    this.#heldHeader = null;
    this.#state = 'header';
    const data = body.subarray(0, this.#paxLen);
    const records = decodePax(data);
    const sizeOf = (r: Pax): string | undefined => r.filter(([k]) => k === 'size').pop()?.[1].toString();
    if (h[156] === 0x67) {
      this.#globalSize = sizeOf(records) ?? this.#globalSize;
      // The reader merges global records into every entry's: our record name must not come from there.
      if (records.some(([k]) => k.startsWith(XATTR_RECORD_PREFIX))) {
        const kept = records.filter(([k]) => !k.startsWith(XATTR_RECORD_PREFIX));
        const data = encodePax(kept);
        const gh = paxHeaderBlock(data.length);
        gh[156] = 0x67;
        setChecksum(gh);
        this.push(Buffer.concat([gh, data, Buffer.alloc(pad(data.length))]));
        return;
      }
      this.push(h);
      this.push(body);
      return;
    }
    this.#nextSize = sizeOf(records) ?? this.#globalSize;
    const sparse0 = (k: string): boolean => k === 'GNU.sparse.offset' || k === 'GNU.sparse.numbytes';
    if (!records.some(([k]) => sparse0(k) || k.startsWith(SCHILY_XATTR) || k.startsWith(XATTR_RECORD_PREFIX))) {
      this.push(h);
      this.push(body);
      return;
    }
    const map: string[] = [];
    const kept: Pax = [];
    for (const [k, v] of records) {
      if (sparse0(k)) map.push(v.toString());
      // Values are raw bytes (file capabilities are binary), which the reader would decode as
      // UTF-8 and mangle: they travel hex-encoded under a name of ours instead. Records already
      // under that name are the archive's, not ours, and are dropped.
      else if (k.startsWith(SCHILY_XATTR)) kept.push([XATTR_RECORD_PREFIX + k.slice(SCHILY_XATTR.length), text(v.toString('hex'))]);
      else if (!k.startsWith(XATTR_RECORD_PREFIX)) kept.push([k, v]);
    }
    if (map.length > 0) kept.push(['GNU.sparse.map', text(map.join(','))]);
    this.push(paxEntry(kept));
  }

  #extension(block: Buffer): void {
    if (++this.#extBlocks > MAX_EXTENSION_BLOCKS) throw new InvalidArgumentError('invalid GNU sparse file: map too long');
    readSlots(block, 0, 21, this.#sparseMap);
    if (block[504] !== 0) return;
    const h = this.#heldHeader!;
    this.#heldHeader = null;
    this.#emitSparse(h);
  }

  /** The 'S' entry as a PAX 0.1 record set followed by a plain file header over the same data. */
  #emitSparse(h: Buffer): void {
    const realSize = numField(h, 483, 12);
    if (!Number.isSafeInteger(realSize)) throw new InvalidArgumentError('invalid GNU sparse file: bad real size');
    const stored = numField(h, 124, 12);
    // Our records replace any PAX header before this entry, as the reader would let them.
    this.#nextSize = undefined;
    this.push(paxEntry([
      ['GNU.sparse.size', text(String(realSize))],
      ['GNU.sparse.numblocks', text(String(this.#sparseMap.length / 2))],
      ['GNU.sparse.map', text(this.#sparseMap.join(','))],
    ]));
    const plain = Buffer.from(h);
    plain[156] = 0x30;
    plain.fill(0, 386, BLOCK);
    setChecksum(plain);
    this.push(plain);
    this.#pass(stored);
  }
}
