import type { Header } from 'tar-stream';
import { InvalidArgumentError } from '../errors/index.js';

/** A tar header as the reader hands it over, with the PAX records that applied to it. */
export type TarHeader = Header & { pax?: Record<string, string> | null };

const MAX_ID = 0xfffffffe;
// Year 9999: later mtimes are clamped rather than rejected (go-archive does the same).
const MAX_MTIME_S = 253402300799;

/**
 * The reader decodes a negative base-256 field one off (two's complement without the +1), so -1
 * arrives as -0: both signs of zero must count as negative to refuse it.
 */
function validId(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 0 && !Object.is(n, -0) && n <= max;
}

function badEntry(h: TarHeader, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid tar entry ${JSON.stringify(h.name)}: ${why}`);
}

/**
 * The entry's uid or gid. A PAX record overrides the header field (writers put ids that do not fit
 * in octal there and leave 0 in the header), so ignoring it would turn a bogus id into root.
 * Negative or oversized ids are refused, never clamped.
 */
function idOf(h: TarHeader, key: 'uid' | 'gid'): number {
  const rec = h.pax?.[key];
  let id: number;
  if (rec !== undefined) {
    if (!/^\d{1,10}$/.test(rec.trim())) throw badEntry(h, rec.trim().startsWith('-') ? `negative ${key}` : `${key} ${JSON.stringify(rec)} out of range`);
    id = Number(rec.trim());
  } else {
    id = h[key] ?? 0;
  }
  if (!validId(id, MAX_ID)) throw badEntry(h, id < 0 || Object.is(id, -0) ? `negative ${key}` : `${key} ${id} out of range`);
  return id;
}

export function entryOwner(h: TarHeader): { uid: number; gid: number } {
  return { uid: idOf(h, 'uid'), gid: idOf(h, 'gid') };
}

/** Seconds since the epoch, PAX first; out-of-range times are clamped to 1970..9999. */
export function entryMtime(h: TarHeader): number {
  const rec = h.pax?.mtime;
  let t = rec !== undefined && /^-?\d+(\.\d+)?$/.test(rec) ? Number(rec) : NaN;
  if (!Number.isFinite(t)) t = h.mtime instanceof Date ? h.mtime.getTime() / 1000 : NaN;
  if (!Number.isFinite(t)) return 0;
  return Math.min(Math.max(t, 0), MAX_MTIME_S);
}

/** Major and minor of a device entry; Linux's dev_t has a 12-bit major and a 20-bit minor. */
export function entryDevice(h: TarHeader): { major: number; minor: number } {
  const major = h.devmajor ?? 0;
  const minor = h.devminor ?? 0;
  if (!validId(major, 0xfff) || !validId(minor, 0xfffff)) {
    throw new InvalidArgumentError(`invalid device numbers for ${JSON.stringify(h.name)}`);
  }
  return { major, minor };
}
