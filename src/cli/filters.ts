import { UsageError } from './flags.js';

/**
 * Turns repeated `--filter key=value` flags into the Engine API filter map.
 * @throws {UsageError} with docker's flag-error wording when a filter has no `=`.
 */
export function parseFilters(values: string[], flag = '-f, --filter'): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid argument "${v}" for "${flag}" flag: bad format of filter (expected name=value)`);
    const key = v.slice(0, eq).trim().toLowerCase();
    (out[key] ??= []).push(v.slice(eq + 1).trim());
  }
  return out;
}
