/**
 * Go's `fmt` rendering of a value (`%v`), as text/template prints action results: maps as
 * `map[k:v]` with sorted keys, slices as `[a b]`, nil as `<nil>`, a missing map key as `<no value>`.
 */
export function goString(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(goInner).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort();
    return `map[${keys.map((k) => `${k}:${goInner((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return String(v);
}

function goInner(v: unknown): string {
  return v === undefined || v === null ? '<nil>' : goString(v);
}

/** Go's `%v` of a number: integers in full, floats in shortest form with Go's exponent style. */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
