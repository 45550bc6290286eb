/**
 * Human-readable sizes and durations as docker prints them (the go-units package):
 * decimal units (`4.26MB`, `12.3kB`), and durations like `About a minute`, `3 days`.
 */

import { humanDuration } from '../../lib/time/human-duration.js';

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

export { humanDuration };

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
