/**
 * Human-readable sizes and durations as docker prints them (the go-units package):
 * decimal units (`4.26MB`, `12.3kB`), and durations like `About a minute`, `3 days`.
 */

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's `%.Ng`: N significant digits, trailing zeros dropped. */
function significant(n: number, digits: number): string {
  return String(Number(n.toPrecision(digits)));
}

/** Size with `precision` significant digits in decimal units, like `units.HumanSizeWithPrecision`. */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) { size /= 1000; i++; }
  return `${significant(size, precision)}${DECIMAL_UNITS[i]}`;
}

/** Size in binary units (`1.944GiB`), like `units.BytesSize`, used by `info` for memory. */
export function bytesSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < units.length - 1) { size /= 1024; i++; }
  return `${significant(size, 4)}${units[i]}`;
}

/** A duration in words, like `units.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** `<duration> ago` for a Unix timestamp in seconds, relative to `now` (ms). */
export function since(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(Math.max(0, now - unixSeconds * 1000))} ago`;
}

/**
 * Parses a memory size like `512m`, `1g`, `1.5GB`, `100000` into bytes (binary multiples, as
 * docker's `units.RAMInBytes`).
 * @throws {Error} on malformed input.
 */
export function ramInBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?$/i.exec(text.trim());
  if (!m) throw new Error(`invalid size: '${text}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[m[2]!.toLowerCase()] ?? 1;
  return Math.trunc(Number(m[1]) * mult);
}
