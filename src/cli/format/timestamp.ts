/**
 * Parses docker's `--since`/`--until` values into the Unix-seconds string the Engine API wants:
 * a relative duration (`10m`, `1h30m`, `42s`), RFC 3339 (`2024-01-02T15:04:05Z`), a date, or Unix
 * seconds with optional fraction.
 * @throws {Error} on anything else.
 */
export function parseTimestamp(value: string, now = Date.now()): string {
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  const dur = parseGoDuration(value);
  if (dur !== undefined) return toUnix(now - dur);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00`) : Date.parse(value);
  if (!Number.isNaN(date)) return toUnix(date);
  throw new Error(`invalid value for "since": failed to parse value as time or duration: "${value}"`);
}

function toUnix(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const nanos = Math.round((ms - secs * 1000) * 1e6);
  return nanos ? `${secs}.${String(nanos).padStart(9, '0')}` : String(secs);
}

/** A Go duration (`1h2m3.5s`, `300ms`) in milliseconds, or undefined when it is not one. */
export function parseGoDuration(value: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) { total += Number(m[1]) * units[m[2]!]!; matched += m[0].length; }
  return matched > 0 && matched === value.length ? total : undefined;
}

/** Go's `time.Time.String()` of a Unix timestamp: `2006-01-02 15:04:05 -0700 MST`, in local time. */
export function goTimeString(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const offs = `${sign}${pad(Math.trunc(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
  const zone = off === 0 ? 'UTC' : (/\b([A-Z]{2,5})$/.exec(d.toTimeString())?.[1] ?? offs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${offs} ${zone}`;
}
