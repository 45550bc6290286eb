import { constants } from 'node:os';
import { InvalidArgumentError } from '../../lib/errors/index.js';

const SIGNALS = constants.signals as Record<string, number>;

/**
 * Normalizes a Docker signal ("SIGTERM", "TERM", "term", "9", 9, "SIGRTMIN+3") to the number
 * the runtime's `kill` accepts.
 */
export function parseSignal(signal: string | number): number {
  if (typeof signal === 'number') return checkRange(signal, String(signal));
  const s = signal.trim().toUpperCase();
  if (/^[0-9]+$/.test(s)) return checkRange(Number(s), signal);
  const name = s.startsWith('SIG') ? s : `SIG${s}`;
  const rt = /^SIGRT(MIN|MAX)([+-][0-9]+)?$/.exec(name);
  if (rt) {
    const base = rt[1] === 'MIN' ? 34 : 64;
    return checkRange(base + Number(rt[2] ?? 0), signal);
  }
  const n = SIGNALS[name];
  if (n === undefined) throw new InvalidArgumentError(`Invalid signal: ${signal}`);
  return n;
}

function checkRange(n: number, original: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError(`Invalid signal: ${original}`);
  return n;
}
