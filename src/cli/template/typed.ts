import { GoDuration, GoMap, GoPointer, GoStruct, GoTime, type GoField } from './go-value.js';
import { GO_STRUCTS } from './go-types.js';

/**
 * Gives decoded JSON the shape of the Go type docker decodes it into (`container.InspectResponse`,
 * `image.InspectResponse`), so templates see typed values: absent and null fields become their
 * type's zero value, structs keep Go's field order, maps and pointers print as Go prints them.
 *
 * Type syntax of the table (go-types.ts): `*T` pointer, `[]T` slice, `[N]T` array,
 * `map[string]T`, the scalars `string bool int uint float`, `any` (left untyped), `time.Time`,
 * `time.Duration`, `struct{}`, or the name of a struct in the table.
 */
export function typedValue(raw: unknown, type: string): unknown {
  if (type.startsWith('*')) {
    if (raw === null || raw === undefined) return null;
    const target = type.slice(1);
    if (GO_STRUCTS[target]) return struct(raw, target, true);
    return new GoPointer(typedValue(raw, target));
  }
  if (type.startsWith('[]')) {
    const elem = type.slice(2);
    const items = Array.isArray(raw) ? raw.map((x) => typedValue(x, elem)) : [];
    // `json` shows what was sent: null for a nil slice
    Object.defineProperty(items, 'toJSON', { value: () => raw ?? null });
    return items;
  }
  const array = /^\[(\d+)\](.*)$/.exec(type);
  if (array) {
    const n = Number(array[1]);
    const source = Array.isArray(raw) ? raw : [];
    return Array.from({ length: Math.max(n, source.length) }, (_, k) => typedValue(source[k], array[2]!));
  }
  if (type.startsWith('map[string]')) {
    const elem = type.slice('map[string]'.length);
    const entries = new Map<string, unknown>();
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const [k, v] of Object.entries(raw)) entries.set(k, typedValue(v, elem));
    }
    return new GoMap(entries, () => typedValue(undefined, elem), raw);
  }
  switch (type) {
    case 'string': return typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : raw;
    case 'int': case 'uint': case 'float': return raw === null || raw === undefined ? 0 : raw;
    case 'bool': return raw === null || raw === undefined ? false : raw;
    case 'any': return raw === undefined ? null : raw;
    case 'time.Time': return new GoTime(raw);
    case 'time.Duration': return new GoDuration(typeof raw === 'number' ? raw : 0);
    case 'struct{}': return new GoStruct('struct {}', false, [], raw);
    default:
      if (GO_STRUCTS[type]) return struct(raw, type, false);
      // a type the table does not know: leave the value as sent
      return raw === undefined ? null : raw;
  }
}

function struct(raw: unknown, type: string, pointer: boolean): GoStruct {
  const object = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw as Record<string, unknown> : undefined;
  const fields = GO_STRUCTS[type]!.map(([name, fieldType, tag]): GoField => {
    // an embedded struct's fields sit in the same JSON object as its parent's, and the field
    // is named after its type (`.HostConfig.Resources`)
    if (name === '') return { name: fieldType.replace(/^\*?[^.]*\./, ''), json: '', value: typedValue(object ?? {}, fieldType), embedded: true };
    const [json = '', ...options] = (tag ?? name).split(',');
    const key = json || name;
    return { name, json: key, value: typedValue(object?.[key], fieldType), omitEmpty: options.includes('omitempty') };
  });
  return new GoStruct(type, pointer, fields, raw);
}
