import { goDurationText } from '../../lib/time/go-duration.js';

/**
 * Values that carry their Go type, so templates over inspect data behave as docker's do against
 * its typed structs: a struct prints as `{a b c}` in field order, a nil map as `map[]`, a nil
 * slice as `[]`, a nil pointer as `<nil>`, a missing map key as `<no value>`. Plain JavaScript
 * values (listings, `info`, the raw fallback) keep working as before; these classes only appear
 * when the data was converted with a type table (see typed.ts).
 */

/** Where Go would print a pointer's address: the value is meaningless, the shape is Go's. */
export const GO_ADDRESS = '0xc000010000';

/** One field of a struct; an embedded struct is named after its type, as in Go. */
export interface GoField {
  name: string;
  value: unknown;
  /** The key in the daemon's JSON. */
  json: string;
  /** Left out of JSON when empty, as Go's `omitempty`. */
  omitEmpty?: boolean;
  embedded?: boolean;
}

/**
 * Types whose String method fmt uses when printing them, keyed by Go type name, over the
 * struct's fields by name.
 */
const STRINGERS: Readonly<Record<string, (f: (name: string) => unknown) => string>> = {
  'units.Ulimit': (f) => `${String(f('Name'))}=${String(f('Soft'))}:${String(f('Hard'))}`,
};

/** A struct value, or a non-nil pointer to one (`pointer`). */
export class GoStruct {
  /** Go's name of the type, for error messages (`container.State`). */
  readonly typeName: string;
  readonly pointer: boolean;
  /** Fields in declaration order. */
  readonly fields: readonly GoField[];
  readonly #raw: unknown;

  constructor(typeName: string, pointer: boolean, fields: readonly GoField[], raw: unknown) {
    this.typeName = typeName;
    this.pointer = pointer;
    this.fields = fields;
    this.#raw = raw;
  }

  /** A field by name, including the promoted fields of embedded structs (shallowest first). */
  lookup(name: string): { found: boolean; value?: unknown } {
    for (const f of this.fields) if (f.name === name) return { found: true, value: f.value };
    for (const f of this.fields) {
      if (f.embedded && f.value instanceof GoStruct) {
        const r = f.value.lookup(name);
        if (r.found) return r;
      }
    }
    return { found: false };
  }

  /** The text of the type's String method, for the types fmt prints that way. */
  stringer(): string | undefined {
    const s = STRINGERS[this.typeName];
    return s ? s((name) => this.lookup(name).value) : undefined;
  }

  /**
   * What `json` prints: docker marshals the decoded struct again, so fields come in Go's
   * order, embedded structs' fields inline, keys the struct lacks dropped; a field the daemon
   * left out stays out (it is one Go omits when empty).
   */
  toJSON(): unknown {
    const raw = this.#raw;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw ?? null;
    const out: Record<string, unknown> = {};
    for (const f of this.fields) {
      if (f.embedded) {
        if (f.value instanceof GoStruct) Object.assign(out, f.value.toJSON());
      } else if (f.json in raw && !(f.omitEmpty && isEmpty(f.value))) {
        out[f.json] = f.value;
      }
    }
    return out;
  }
}

/** A map with string keys; `raw` null stands for a nil map. */
export class GoMap {
  readonly entries: ReadonlyMap<string, unknown>;
  /** The zero value of the element type, what `index` yields for a missing key. */
  readonly zero: () => unknown;
  readonly #raw: unknown;

  constructor(entries: ReadonlyMap<string, unknown>, zero: () => unknown, raw: unknown) {
    this.entries = entries;
    this.zero = zero;
    this.#raw = raw;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Keys in Go's printing and ranging order. */
  sortedKeys(): string[] {
    return [...this.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Go's encoder writes map keys sorted; a nil map is null. */
  toJSON(): unknown {
    if (this.#raw === null || this.#raw === undefined) return null;
    return Object.fromEntries(this.sortedKeys().map((k) => [k, this.entries.get(k)]));
  }
}

/** A non-nil pointer to a scalar (`*int64`, `*bool`): printed as its value by an action, an address inside others. */
export class GoPointer {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
  toJSON(): unknown {
    return this.value;
  }
}

/** A `time.Time`, printed as Go's Time.String does and marshalled as RFC 3339 with nanoseconds. */
export class GoTime {
  readonly #parts: TimeParts | undefined;
  constructor(raw: unknown) {
    this.#parts = typeof raw === 'string' ? parseTime(raw) : undefined;
  }
  toString(): string {
    const p = this.#parts;
    if (!p) return '0001-01-01 00:00:00 +0000 UTC';
    const offset = p.zone === 'Z' ? '+0000 UTC' : `${p.zone.replace(':', '')} ${p.zone.replace(':', '')}`;
    return `${p.date} ${p.clock}${p.fraction ? `.${p.fraction}` : ''} ${offset}`;
  }
  toJSON(): string {
    const p = this.#parts;
    return p ? `${p.date}T${p.clock}${p.fraction ? `.${p.fraction}` : ''}${p.zone}` : '0001-01-01T00:00:00Z';
  }
}

interface TimeParts {
  date: string;
  clock: string;
  /** Fractional seconds without trailing zeros, as Go prints them. */
  fraction: string;
  /** `Z` or `+hh:mm`. */
  zone: string;
}

function parseTime(s: string): TimeParts | undefined {
  const m = /^(\d{4,}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return undefined;
  return { date: m[1]!, clock: m[2]!, fraction: (m[3] ?? '').replace(/0+$/, ''), zone: m[4]! };
}

/** A `time.Duration` in nanoseconds, printed as Go's Duration.String does (`1m30s`). */
export class GoDuration {
  readonly ns: number;
  constructor(ns: number) {
    this.ns = ns;
  }
  toString(): string {
    return goDurationText(this.ns);
  }
  toJSON(): unknown {
    return this.ns;
  }
}

/** Go's emptiness for `omitempty`: false, 0, "", nil, and empty slices and maps. */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof GoMap) return v.size === 0;
  if (v instanceof GoDuration) return v.ns === 0;
  return false;
}

/** Whether a value is one of the typed ones above. */
export function isGoValue(v: unknown): v is GoStruct | GoMap | GoPointer | GoTime | GoDuration {
  return v instanceof GoStruct || v instanceof GoMap || v instanceof GoPointer || v instanceof GoTime || v instanceof GoDuration;
}
