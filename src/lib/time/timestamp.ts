import { InvalidArgumentError } from '../errors/index.js';

/**
 * Docker's `--since`/`--until` values (events, logs, prune filters): a Go duration counted back
 * from now ("10m", "1h30m", "1.5h", "-5s" is in the future), an RFC 3339 date or date-time
 * (local time when it carries no zone), or unix seconds with an optional fraction.
 */

/** A point in time as seconds and nanoseconds, the precision the Engine API carries. */
export interface Timestamp {
  sec: number;
  nsec: number;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds; undefined when `v` is not a duration. */
export function parseGoDuration(v: string): number | undefined {
  const m = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(v);
  if (!m) return undefined;
  if (m[2] === '0') return 0;
  let ns = 0;
  for (const part of m[2]!.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) ns += Number(part[1]) * UNIT_NS[part[2]!]!;
  return m[1] === '-' ? -ns : ns;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/;

function parseDateTime(v: string): Timestamp | undefined {
  const m = DATE_TIME.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const zone = m[8];
  let ms: number;
  if (zone === undefined) {
    ms = new Date(y, mo - 1, d, h, mi, s).getTime();
  } else {
    ms = Date.UTC(y, mo - 1, d, h, mi, s);
    if (zone !== 'Z' && zone !== 'z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
  }
  if (Number.isNaN(ms)) return undefined;
  return { sec: Math.floor(ms / 1000), nsec: Number((m[7] ?? '').padEnd(9, '0')) };
}

/** "1700000000" or "1700000000.5": the fraction is a decimal fraction of a second. */
function parseUnix(v: string): Timestamp | undefined {
  const m = /^(-?\d+)(?:\.(\d{1,9})\d*)?$/.exec(v);
  if (!m) return undefined;
  return { sec: Number(m[1]), nsec: Number((m[2] ?? '').padEnd(9, '0')) };
}

/**
 * Parses a since/until value against `nowMs`.
 * @throws {InvalidArgumentError} with Docker's wording when the value is none of the accepted forms
 */
export function parseTimestamp(value: string, nowMs = Date.now()): Timestamp {
  const v = value.trim();
  const d = v === '0' ? undefined : parseGoDuration(v);
  if (d !== undefined) {
    const ns = BigInt(Math.round(nowMs)) * 1_000_000n - BigInt(Math.round(d));
    return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
  }
  const t = parseDateTime(v);
  if (t) return t;
  // Docker: a value with a dash was meant as a date, so the date's own error is the answer.
  if (v.includes('-') && !/^-\d/.test(v)) throw new InvalidArgumentError(`parsing time "${value}": not an RFC 3339 date or date-time`);
  const u = parseUnix(v);
  if (!u) throw new InvalidArgumentError(`failed to parse value as time or duration: "${value}"`);
  return u;
}

/** "sec.nnnnnnnnn", how the docker CLI sends a time to the daemon. */
export function formatTimestamp(t: Timestamp): string {
  return `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
}

/** Milliseconds since the epoch (fractional). */
export function timestampMs(t: Timestamp): number {
  return t.sec * 1000 + t.nsec / 1e6;
}
