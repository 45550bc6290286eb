/**
 * Go's time.ParseDuration, which Docker uses for HEALTHCHECK's options (`1m30s`, `1.5h`, `300ms`),
 * returning nanoseconds. Error texts are Go's, since Docker passes them through.
 */

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5 micro sign
  'μs': 1000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_NS = (1n << 63n) - 1n;

/** Parses a Go duration to nanoseconds; throws an Error with Go's wording when invalid. */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  const invalid = (): Error => new Error(`time: invalid duration ${quoted}`);
  let s = text;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
    const intPart = /^[0-9]*/.exec(s)![0];
    s = s.slice(intPart.length);
    let fracPart = '';
    if (s[0] === '.') {
      s = s.slice(1);
      fracPart = /^[0-9]*/.exec(s)![0];
      s = s.slice(fracPart.length);
    }
    if (intPart === '' && fracPart === '') throw invalid();
    const unitMatch = /^[^0-9.]*/.exec(s)![0];
    if (unitMatch === '') throw new Error(`time: missing unit in duration ${quoted}`);
    s = s.slice(unitMatch.length);
    const unit = UNIT_NS[unitMatch];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unitMatch)} in duration ${quoted}`);
    let v = intPart === '' ? 0n : BigInt(intPart);
    if (v > MAX_NS / unit) throw invalid();
    v *= unit;
    if (fracPart !== '') {
      // Go keeps the fraction's leading digits while they fit and truncates the rest.
      const scale = 10n ** BigInt(fracPart.length);
      v += (BigInt(fracPart) * unit) / scale;
    }
    total += v;
    if (total > MAX_NS) throw invalid();
  }
  return Number(neg ? -total : total);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
