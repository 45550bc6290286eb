import { InvalidArgumentError } from '../errors/index.js';

/** What {@link encodeTarHeader} writes for one entry. */
export interface TarHeaderFields {
  name: string;
  type: 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch (whole). */
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes, written as PAX "SCHILY.xattr.<name>" records (binary values). */
  xattrs?: Array<[name: string, value: Buffer]>;
}

const BLOCK = 512;
const TYPEFLAG: Record<TarHeaderFields['type'], string> = {
  file: '0', link: '1', symlink: '2', 'character-device': '3', 'block-device': '4', directory: '5', fifo: '6',
};

/** Zero bytes that pad `size` bytes of content up to a whole tar block. */
export function tarPadding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** The two zero blocks that end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK);

function fitsOctal(n: number, width: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n < 8 ** (width - 1);
}

function writeOctal(buf: Buffer, n: number, off: number, width: number): void {
  buf.write(n.toString(8).padStart(width - 1, '0') + '\0', off, width, 'latin1');
}

function paxRecord(key: string, value: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  // The record's length counts its own digits.
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len++;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function ustar(f: TarHeaderFields, name: Buffer, linkname: Buffer, size: number, typeflag: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  name.copy(h, 0, 0, 100);
  writeOctal(h, f.mode & 0o7777, 100, 8);
  writeOctal(h, fitsOctal(f.uid, 8) ? f.uid : 0, 108, 8);
  writeOctal(h, fitsOctal(f.gid, 8) ? f.gid : 0, 116, 8);
  writeOctal(h, fitsOctal(size, 12) ? size : 0, 124, 12);
  writeOctal(h, fitsOctal(f.mtime, 12) ? f.mtime : 0, 136, 12);
  h.write(typeflag, 156, 1, 'latin1');
  linkname.copy(h, 157, 0, 100);
  h.write('ustar\0', 257, 6, 'latin1');
  h.write('00', 263, 2, 'latin1');
  writeOctal(h, f.devmajor ?? 0, 329, 8);
  writeOctal(h, f.devminor ?? 0, 337, 8);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return h;
}

/**
 * The header block(s) of one tar entry: a plain ustar header, preceded by a PAX extended header
 * when a name, a link target or a number does not fit ustar's fields. Output depends only on the
 * fields (no user names, no time of packing), so packing the same tree twice gives the same bytes.
 */
export function encodeTarHeader(f: TarHeaderFields): Buffer {
  if (f.name.includes('\0') || (f.linkname ?? '').includes('\0')) throw new InvalidArgumentError(`invalid tar entry name ${JSON.stringify(f.name)}`);
  const pax: Buffer[] = [];
  const name = Buffer.from(f.name, 'utf8');
  const linkname = Buffer.from(f.linkname ?? '', 'utf8');
  // Beyond ASCII or 100 bytes, the PAX record carries the real name (UTF-8 by definition).
  const plain = (b: Buffer): boolean => b.length <= 100 && b.every((c) => c < 0x80);
  if (!plain(name)) pax.push(paxRecord('path', f.name));
  if (!plain(linkname)) pax.push(paxRecord('linkpath', f.linkname ?? ''));
  if (!fitsOctal(f.size, 12)) pax.push(paxRecord('size', String(f.size)));
  if (!fitsOctal(f.uid, 8)) pax.push(paxRecord('uid', String(f.uid)));
  if (!fitsOctal(f.gid, 8)) pax.push(paxRecord('gid', String(f.gid)));
  if (!fitsOctal(f.mtime, 12)) pax.push(paxRecord('mtime', String(f.mtime)));
  for (const [name, value] of f.xattrs ?? []) pax.push(paxRecord(`SCHILY.xattr.${name}`, value));
  const main = ustar(f, name, linkname, f.size, TYPEFLAG[f.type]);
  if (pax.length === 0) return main;
  const body = Buffer.concat(pax);
  const paxName = Buffer.concat([Buffer.from('PaxHeaders/'), name.subarray(0, 80)]);
  const ext = ustar({ ...f, mode: 0o644 }, paxName, Buffer.alloc(0), body.length, 'x');
  return Buffer.concat([ext, body, tarPadding(body.length), main]);
}
