import type { EventMessage } from '../../api/event.js';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Go's RFC3339NanoFixed in local time ("2026-01-02T03:04:05.000000000Z", or "+01:00"). */
export function rfc3339NanoFixedLocal(timeNano: number): string {
  const ms = Math.floor(timeNano / 1e6);
  const d = new Date(ms);
  // A double this large is not exact: its shortest decimal form is what the daemon sent.
  const nanos = BigInt(Number.isSafeInteger(timeNano) || !/^\d+$/.test(String(timeNano)) ? Math.round(timeNano) : String(timeNano)) % 1_000_000_000n;
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${String(nanos).padStart(9, '0')}${zone}`;
}

/**
 * One event as `docker events` prints it without --format: time, type, action, actor id, and
 * the attributes sorted by key in parentheses.
 */
export function eventLine(e: EventMessage): string {
  const time = e.timeNano ? `${rfc3339NanoFixedLocal(e.timeNano)} ` : e.time ? `${rfc3339NanoFixedLocal(e.time * 1e9)} ` : '';
  const attrs = Object.keys(e.Actor?.Attributes ?? {}).sort().map((k) => `${k}=${e.Actor.Attributes[k]}`);
  return `${time}${e.Type} ${e.Action} ${e.Actor?.ID ?? ''}${attrs.length ? ` (${attrs.join(', ')})` : ''}\n`;
}
