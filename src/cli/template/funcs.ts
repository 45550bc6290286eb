import { GoMap, GoPointer, GoStruct, isGoValue } from './go-value.js';
import { goNumber, goString } from './print.js';
import { TemplateError } from './lexer.js';

/** A template function: receives evaluated arguments, returns a value. */
export type TemplateFunc = (...args: unknown[]) => unknown;

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false; a struct is true. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return v.size > 0;
  if (isGoValue(v)) return true;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function length(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v instanceof GoMap) return v.size;
  if (v instanceof GoStruct || v instanceof GoPointer) throw new TemplateError(`len of type ${v instanceof GoStruct ? v.typeName : 'pointer'}`, 'execute');
  if (v && typeof v === 'object') return Object.keys(v).length;
  throw new TemplateError(`len of ${v === null || v === undefined ? 'nil pointer' : `type ${typeof v}`}`, 'execute');
}

function index(v: unknown, ...keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (cur === null || cur === undefined) return undefined;
    if ((cur instanceof GoMap || (typeof cur === 'object' && !Array.isArray(cur))) && typeof k !== 'string') {
      throw new TemplateError(`value has type ${goKind(k)}; should be string`, 'execute');
    }
    if (cur instanceof GoMap) {
      // a missing key yields the zero value of the map's element type
      cur = cur.entries.has(String(k)) ? cur.entries.get(String(k)) : cur.zero();
      continue;
    }
    if (cur instanceof GoStruct || cur instanceof GoPointer) throw new TemplateError(`can't index item of type ${cur instanceof GoStruct ? cur.typeName : 'pointer'}`, 'execute');
    if (Array.isArray(cur) || typeof cur === 'string') {
      const n = Number(k);
      if (!Number.isInteger(n) || n < 0 || n >= cur.length) throw new TemplateError(`index out of range: ${String(k)}`, 'execute');
      cur = cur[n];
    } else if (typeof cur === 'object') {
      // an untyped map's element type is interface{}: a missing key is nil, printed <no value>
      cur = (cur as Record<string, unknown>)[k as string];
    } else {
      throw new TemplateError(`can't index item of type ${typeof cur}`, 'execute');
    }
  }
  return cur;
}

/** The Go kind of a template literal, for error messages. */
function goKind(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (v === null || v === undefined) return 'nil';
  return typeof v;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError('incompatible types for comparison', 'execute');
}

/** A minimal Go `fmt.Sprintf`: %v %s %d %q %t %x %f %% with flags and widths. */
export function sprintf(format: string, ...args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([vsdqtxXfge%])/g, (_m, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === '%') return '%';
    const arg = args[n++];
    // fmt's nil: `<nil>` for %v, a %!verb(<nil>) complaint for the rest
    if (arg === null || arg === undefined) return verb === 'v' ? '<nil>' : `%!${verb}(<nil>)`;
    let s: string;
    switch (verb) {
      case 'd': s = typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${goString(arg)})`; break;
      case 'q': s = JSON.stringify(typeof arg === 'string' ? arg : goString(arg)); break;
      case 'x': s = typeof arg === 'number' ? arg.toString(16) : Buffer.from(String(arg)).toString('hex'); break;
      case 'X': s = typeof arg === 'number' ? arg.toString(16).toUpperCase() : Buffer.from(String(arg)).toString('hex').toUpperCase(); break;
      case 'f': s = typeof arg === 'number' ? arg.toFixed(prec ? Number(prec) : 6) : `%!f(${goString(arg)})`; break;
      case 'g': case 'e': s = typeof arg === 'number' ? goNumber(arg) : goString(arg); break;
      default: s = goString(arg);
    }
    if (prec !== undefined && verb === 's') s = s.slice(0, Number(prec));
    const w = width ? Number(width) : 0;
    if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') && verb !== 's' ? '0' : ' ');
    return s;
  });
}

/** Go's `fmt.Sprint`: spaces only between operands when neither is a string. */
function sprint(...args: unknown[]): string {
  let out = '';
  args.forEach((a, k) => {
    if (k > 0 && typeof a !== 'string' && typeof args[k - 1] !== 'string') out += ' ';
    out += goString(a);
  });
  return out;
}

/**
 * JSON as docker's `json` template function writes it (Go's json.Marshal): `<`, `>` and `&`
 * escaped as \u003c, \u003e, \u0026, no trailing newline.
 */
export function toJSON(v: unknown): string {
  const text = v === undefined ? 'null' : JSON.stringify(v) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go's built-in template functions plus the ones docker adds (cli/templates/templates.go). */
export const FUNCS: Readonly<Record<string, TemplateFunc>> = {
  and: (...a) => { for (const v of a) if (!truthy(v)) return v; return a[a.length - 1]; },
  or: (...a) => { for (const v of a) if (truthy(v)) return v; return a[a.length - 1]; },
  not: (v) => !truthy(v),
  len: (v) => length(v),
  index: (v, ...k) => index(v, ...k),
  slice: (v, from, to) => {
    if (typeof v !== 'string' && !Array.isArray(v)) throw new TemplateError('can\'t slice item');
    return v.slice(Number(from ?? 0), to === undefined ? undefined : Number(to));
  },
  eq: (a, ...bs) => bs.some((b) => a === b || (a == null && b == null)),
  ne: (a, b) => a !== b,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  print: (...a) => sprint(...a),
  printf: (f, ...a) => sprintf(String(f), ...a),
  println: (...a) => `${a.map(goString).join(' ')}\n`,
  html: (...a) => sprint(...a).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
  js: (...a) => JSON.stringify(sprint(...a)).slice(1, -1),
  urlquery: (...a) => encodeURIComponent(sprint(...a)),
  call: (fn, ...a) => {
    if (typeof fn !== 'function') throw new TemplateError('call of non-function', 'execute');
    return (fn as TemplateFunc)(...a);
  },
  // docker's additions
  json: (v) => toJSON(v),
  split: (s, sep) => String(s).split(String(sep)),
  join: (v, sep) => (Array.isArray(v) ? v.map(goString).join(String(sep)) : goString(v)),
  title: (s) => String(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  lower: (s) => String(s).toLowerCase(),
  upper: (s) => String(s).toUpperCase(),
  pad: (s, before, after) => `${' '.repeat(Number(before))}${goString(s)}${' '.repeat(Number(after))}`,
  truncate: (s, n) => [...String(s)].slice(0, Number(n)).join(''),
};
