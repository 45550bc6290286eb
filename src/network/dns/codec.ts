/**
 * DNS messages (RFC 1035) as the embedded server needs them: a parser that treats every packet as
 * hostile (bounds-checked, compression pointers may only point backwards, so no packet can make it
 * loop or read past the end) and builders for the answers berth gives itself (A, AAAA, PTR) and for
 * error replies. Names are kept in presentation form ("web.example", odd bytes as \DDD) so they
 * survive a parse/build round trip byte for byte, including the letter case a client sent.
 */
import { formatIPv6, ipv4Bytes, ipv6Bytes } from './ip.js';

export const RRType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const RCode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const CLASS_IN = 1;
export const CLASS_ANY = 255;
export const HEADER_SIZE = 12;
/** The UDP payload size a client without EDNS may receive (RFC 1035 4.2.1). */
export const CLASSIC_UDP_SIZE = 512;
/** What berth advertises in its own OPT records: the size the DNS flag day 2020 settled on. */
export const EDNS_UDP_SIZE = 1232;
const MAX_NAME_WIRE = 255;
const MAX_LABEL = 63;

/** A packet that is not a well-formed DNS message; the server answers FORMERR or drops it. */
export class DnsFormatError extends Error {}

export interface Header {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** The low 4 bits of the response code (the header's). */
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export interface Question {
  /** Presentation form without the trailing dot; "" is the root. */
  name: string;
  type: number;
  class: number;
}

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: Buffer;
  /** A and AAAA: the address as text. */
  address?: string;
  /** PTR, CNAME, NS: the target name. */
  target?: string;
}

/** The EDNS(0) pseudo-record of a message (RFC 6891). */
export interface Edns {
  udpSize: number;
  version: number;
  /** The upper 8 bits of the extended rcode. */
  extRcode: number;
  dnssecOk: boolean;
}

export interface Message {
  header: Header;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  edns?: Edns;
}

/** The fixed 12-byte header, or undefined when the packet is shorter. */
export function parseHeader(buf: Uint8Array): Header | undefined {
  if (buf.length < HEADER_SIZE) return undefined;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const flags = b.readUInt16BE(2);
  return {
    id: b.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    rcode: flags & 0xf,
    qdcount: b.readUInt16BE(4),
    ancount: b.readUInt16BE(6),
    nscount: b.readUInt16BE(8),
    arcount: b.readUInt16BE(10),
  };
}

function labelText(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c === 0x2e || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c > 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\${c.toString().padStart(3, '0')}`;
  }
  return s;
}

/**
 * Reads a possibly compressed name at `off`. Every pointer must point before the start of what
 * was read so far, so each jump goes strictly backwards and the walk ends on any input; a name
 * longer than 255 bytes or a label type other than 00/11 is refused.
 */
export function readName(buf: Buffer, off: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = off;
  let limit = off;
  let next = -1;
  let wire = 1;
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError('name runs past the end of the message');
    const len = buf[pos]!;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError('compression pointer runs past the end of the message');
      const ptr = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (ptr >= limit) throw new DnsFormatError('compression pointer does not point backwards');
      if (next < 0) next = pos + 2;
      limit = ptr;
      pos = ptr;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DnsFormatError('unsupported label type');
    if (len === 0) {
      if (next < 0) next = pos + 1;
      return { name: labels.join('.'), next };
    }
    if (pos + 1 + len > buf.length) throw new DnsFormatError('label runs past the end of the message');
    wire += len + 1;
    if (wire > MAX_NAME_WIRE) throw new DnsFormatError('name longer than 255 bytes');
    labels.push(labelText(buf.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
}

/** The wire form of a presentation-form name (uncompressed). @throws DnsFormatError when too long. */
export function encodeName(name: string): Buffer {
  const out: number[] = [];
  if (name !== '' && name !== '.') {
    let label: number[] = [];
    const flush = (): void => {
      if (label.length === 0 || label.length > MAX_LABEL) throw new DnsFormatError(`bad label length ${label.length} in ${JSON.stringify(name)}`);
      out.push(label.length, ...label);
      label = [];
    };
    const s = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x5c && i + 1 < s.length) {
        const dec = /^\d{3}/.exec(s.slice(i + 1, i + 4));
        if (dec && Number(dec[0]) <= 255) {
          label.push(Number(dec[0]));
          i += 3;
        } else {
          label.push(s.charCodeAt(i + 1) & 0xff);
          i += 1;
        }
      } else if (c === 0x2e) {
        flush();
      } else {
        label.push(c & 0xff);
      }
    }
    flush();
  }
  out.push(0);
  if (out.length > MAX_NAME_WIRE) throw new DnsFormatError('name longer than 255 bytes');
  return Buffer.from(out);
}

function readQuestion(buf: Buffer, off: number): { q: Question; next: number } {
  const { name, next } = readName(buf, off);
  if (next + 4 > buf.length) throw new DnsFormatError('question runs past the end of the message');
  return { q: { name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) }, next: next + 4 };
}

function readRecord(buf: Buffer, off: number): { rr: ResourceRecord; next: number } {
  const { name, next: p } = readName(buf, off);
  if (p + 10 > buf.length) throw new DnsFormatError('record runs past the end of the message');
  const type = buf.readUInt16BE(p);
  const cls = buf.readUInt16BE(p + 2);
  const ttl = buf.readUInt32BE(p + 4);
  const rdlen = buf.readUInt16BE(p + 8);
  const start = p + 10;
  if (start + rdlen > buf.length) throw new DnsFormatError('record data runs past the end of the message');
  const data = buf.subarray(start, start + rdlen);
  const rr: ResourceRecord = { name, type, class: cls, ttl, data };
  if (type === RRType.A && rdlen === 4) rr.address = [...data].join('.');
  else if (type === RRType.AAAA && rdlen === 16) rr.address = formatIPv6(data);
  else if (type === RRType.PTR || type === RRType.CNAME || type === RRType.NS) {
    const t = readName(buf, start);
    if (t.next > start + rdlen) throw new DnsFormatError('name runs past its record data');
    rr.target = t.name;
  }
  return { rr, next: start + rdlen };
}

/**
 * The whole message. Counts are trusted only as far as the bytes go: a count larger than what
 * follows is a format error, never a long loop (each entry consumes at least 5 bytes).
 * @throws DnsFormatError
 */
export function parseMessage(input: Uint8Array): Message {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const header = parseHeader(buf);
  if (!header) throw new DnsFormatError('message shorter than its header');
  let off = HEADER_SIZE;
  const questions: Question[] = [];
  for (let i = 0; i < header.qdcount; i++) {
    const r = readQuestion(buf, off);
    questions.push(r.q);
    off = r.next;
  }
  const section = (count: number): ResourceRecord[] => {
    const out: ResourceRecord[] = [];
    for (let i = 0; i < count; i++) {
      const r = readRecord(buf, off);
      out.push(r.rr);
      off = r.next;
    }
    return out;
  };
  const answers = section(header.ancount);
  const authorities = section(header.nscount);
  const additionals = section(header.arcount);
  const msg: Message = { header, questions, answers, authorities, additionals };
  const opts = additionals.filter((r) => r.type === RRType.OPT);
  if (opts.length > 1) throw new DnsFormatError('more than one OPT record');
  const opt = opts[0];
  if (opt) {
    if (opt.name !== '') throw new DnsFormatError('OPT record not owned by the root');
    msg.edns = { udpSize: opt.class, extRcode: opt.ttl >>> 24, version: (opt.ttl >>> 16) & 0xff, dnssecOk: (opt.ttl & 0x8000) !== 0 };
  }
  return msg;
}

/** The largest UDP answer the sender of `query` accepts. */
export function clientUdpLimit(query: Message): number {
  if (!query.edns) return CLASSIC_UDP_SIZE;
  return Math.min(Math.max(query.edns.udpSize, CLASSIC_UDP_SIZE), 4096);
}

export interface Answer {
  name: string;
  type: typeof RRType.A | typeof RRType.AAAA | typeof RRType.PTR;
  ttl: number;
  /** An address for A/AAAA, a name for PTR. */
  value: string;
}

export interface ResponseOptions {
  rcode: number;
  /** Answers berth is the authority for (container names). */
  aa?: boolean;
  answers?: Answer[];
  /** Cut the answer to this many bytes (UDP): answers are dropped and TC set when it does not fit. */
  maxSize?: number;
}

function rdata(a: Answer): Buffer {
  if (a.type === RRType.A) {
    const b = ipv4Bytes(a.value);
    if (!b) throw new DnsFormatError(`not an IPv4 address: ${a.value}`);
    return b;
  }
  if (a.type === RRType.AAAA) {
    const b = ipv6Bytes(a.value);
    if (!b) throw new DnsFormatError(`not an IPv6 address: ${a.value}`);
    return b;
  }
  return encodeName(a.value);
}

/** A minimal OPT record: berth's UDP size, the extended rcode bits, version 0, no options. */
function optRecord(extRcode: number): Buffer {
  const b = Buffer.alloc(11);
  b[0] = 0;
  b.writeUInt16BE(RRType.OPT, 1);
  b.writeUInt16BE(EDNS_UDP_SIZE, 3);
  b.writeUInt32BE(((extRcode & 0xff) << 24) >>> 0, 5);
  b.writeUInt16BE(0, 9);
  return b;
}

/**
 * A response to `query`: same id, opcode and RD, RA set, the (single) question echoed, the given
 * answers (names equal to the question's are compressed to a pointer at it) and an OPT record when
 * the query had one. An rcode above 15 goes into the OPT's extended bits (BADVERS = 16).
 * `query` may be just a header when the question could not be read (FORMERR, NOTIMP).
 */
export function buildResponse(query: { header: Header; questions?: Question[]; edns?: Edns }, opts: ResponseOptions): Buffer {
  const q = query.questions?.length === 1 ? query.questions[0] : undefined;
  const parts: Buffer[] = [];
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt16BE(query.header.id, 0);
  const qname = q ? encodeName(q.name) : undefined;
  if (q && qname) {
    const tail = Buffer.alloc(4);
    tail.writeUInt16BE(q.type, 0);
    tail.writeUInt16BE(q.class, 2);
    parts.push(qname, tail);
  }
  const answers: Buffer[] = [];
  for (const a of opts.answers ?? []) {
    const name = q && a.name === q.name ? Buffer.from([0xc0, HEADER_SIZE]) : encodeName(a.name);
    const data = rdata(a);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(a.type, 0);
    fixed.writeUInt16BE(CLASS_IN, 2);
    fixed.writeUInt32BE(a.ttl >>> 0, 4);
    fixed.writeUInt16BE(data.length, 8);
    answers.push(Buffer.concat([name, fixed, data]));
  }
  const opt = query.edns ? optRecord(opts.rcode >> 4) : undefined;
  let tc = false;
  const fixedSize = HEADER_SIZE + parts.reduce((n, p) => n + p.length, 0) + (opt?.length ?? 0);
  let kept = answers;
  if (opts.maxSize !== undefined && fixedSize + answers.reduce((n, a) => n + a.length, 0) > opts.maxSize) {
    kept = [];
    tc = true;
  }
  let flags = 0x8000 | ((query.header.opcode & 0xf) << 11) | 0x0080 | (opts.rcode & 0xf);
  if (opts.aa) flags |= 0x0400;
  if (tc) flags |= 0x0200;
  if (query.header.rd) flags |= 0x0100;
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(q ? 1 : 0, 4);
  header.writeUInt16BE(kept.length, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(opt ? 1 : 0, 10);
  return Buffer.concat([header, ...parts, ...kept, ...(opt ? [opt] : [])]);
}

/** A standard query (RD set), for the forwarder's tests and probes. */
export function buildQuery(id: number, name: string, type: number, opts: { rd?: boolean; edns?: boolean; cls?: number } = {}): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(opts.rd === false ? 0 : 0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(opts.edns ? 1 : 0, 10);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(opts.cls ?? CLASS_IN, 2);
  return Buffer.concat([header, encodeName(name), tail, ...(opts.edns ? [optRecord(0)] : [])]);
}

/** A copy of `msg` with another id (the forwarder hides the client's id from upstreams and back). */
export function withId(msg: Uint8Array, id: number): Buffer {
  const b = Buffer.from(msg);
  b.writeUInt16BE(id & 0xffff, 0);
  return b;
}
