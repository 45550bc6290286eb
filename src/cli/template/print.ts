import { GO_ADDRESS, GoDuration, GoMap, GoPointer, GoStruct, GoTime } from './go-value.js';

/**
 * Go's `fmt` rendering of a value (`%v`), as `print`, `printf` and `join` see it: maps as
 * `map[k:v]` with sorted keys, slices as `[a b]`, nil as `<nil>`, a missing map key as
 * `<no value>`; typed structs as `{a b}`, `&{a b}` for a pointer, and an address for a pointer
 * inside another value.
 */
export function goString(v: unknown): string {
  return format(v, 0);
}

/**
 * What an action `{{...}}` prints: text/template follows one pointer before printing, so
 * `{{.State}}` shows `{running true …}` where `{{print .State}}` shows `&{running true …}`.
 */
export function actionString(v: unknown): string {
  if (v instanceof GoStruct && v.pointer) return v.stringer() ?? structBody(v, 0);
  if (v instanceof GoPointer) return format(v.value, 0);
  return format(v, 0);
}

function format(v: unknown, depth: number): string {
  if (v === undefined) return depth === 0 ? '<no value>' : '<nil>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => format(x, depth + 1)).join(' ')}]`;
  if (v instanceof GoStruct) {
    const text = v.stringer();
    if (text !== undefined) return text;
    if (!v.pointer) return structBody(v, depth);
    return depth === 0 ? `&${structBody(v, depth)}` : GO_ADDRESS;
  }
  if (v instanceof GoMap) return `map[${v.sortedKeys().map((k) => `${k}:${format(v.entries.get(k), depth + 1)}`).join(' ')}]`;
  if (v instanceof GoPointer) return GO_ADDRESS;
  if (v instanceof GoTime || v instanceof GoDuration) return v.toString();
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort();
    return `map[${keys.map((k) => `${k}:${format((v as Record<string, unknown>)[k], depth + 1)}`).join(' ')}]`;
  }
  return String(v);
}

function structBody(s: GoStruct, depth: number): string {
  return `{${s.fields.map((f) => format(f.value, depth + 1)).join(' ')}}`;
}

/** Go's `%v` of a number: integers in full, floats in shortest form with Go's exponent style. */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
