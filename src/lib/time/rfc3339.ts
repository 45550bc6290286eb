/** RFC 3339 with nanoseconds, as the Engine API writes times ("2026-11-23T07:53:10.424000000Z"). */
export function rfc3339NanoFromNs(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  return `${iso.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/** The same from milliseconds since the epoch (Date.now(), a Clock's now()). */
export function rfc3339Nano(ms: number): string {
  return rfc3339NanoFromNs(BigInt(Math.trunc(ms)) * 1_000_000n);
}
