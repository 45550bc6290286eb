import { InstructionError } from './errors.js';
import type { RunMount } from './types.js';

/**
 * RUN's `--mount=type=...,key=value,...`, read the way BuildKit reads it: comma-separated fields in
 * CSV quoting, keys case-insensitive, `target`/`dst`/`destination`/`dest` and `source`/`src`
 * aliases, `ro`/`readonly`/`rw`/`readwrite` with or without a boolean, options checked against
 * the mount type. Defaults (read-only bind, shared cache, secret paths) are the builder's and are
 * left undefined here.
 */
export function parseRunMount(value: string): RunMount {
  const mount: RunMount = { type: 'bind' };
  let fileInfo = false;
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? '' : field.slice(eq + 1);
    if (eq < 0) {
      switch (key) {
        case 'readonly':
        case 'ro':
          mount.readonly = true;
          continue;
        case 'readwrite':
        case 'rw':
          mount.readonly = false;
          continue;
        case 'required':
          if (mount.type !== 'secret' && mount.type !== 'ssh') throw unexpectedKey(key, mount.type);
          mount.required = true;
          continue;
        default:
          throw new InstructionError(`invalid field '${field}' must be a key=value pair`);
      }
    }
    switch (key) {
      case 'type': {
        const t = val.toLowerCase();
        if (t !== 'bind' && t !== 'cache' && t !== 'tmpfs' && t !== 'secret' && t !== 'ssh') {
          throw new InstructionError(`unsupported mount type "${val}"`);
        }
        mount.type = t;
        break;
      }
      case 'from':
        mount.from = val;
        break;
      case 'source':
      case 'src':
        mount.source = val;
        break;
      case 'target':
      case 'dst':
      case 'destination':
      case 'dest':
        mount.target = val;
        break;
      case 'readonly':
      case 'ro':
        mount.readonly = parseBool(key, val);
        break;
      case 'readwrite':
      case 'rw':
        mount.readonly = !parseBool(key, val);
        break;
      case 'required':
        if (mount.type !== 'secret' && mount.type !== 'ssh') throw unexpectedKey(key, mount.type);
        mount.required = parseBool(key, val);
        break;
      case 'size':
        if (mount.type !== 'tmpfs') throw unexpectedKey(key, mount.type);
        mount.size = parseRamBytes(key, val);
        break;
      case 'id':
        mount.id = val;
        break;
      case 'sharing': {
        if (mount.type !== 'cache') throw new InstructionError(`invalid cache sharing set for ${mount.type} mount`);
        const s = val.toLowerCase();
        if (s !== 'shared' && s !== 'private' && s !== 'locked') {
          throw new InstructionError(`unrecognized cache sharing mode "${val}" (one of shared, private, locked)`);
        }
        mount.sharing = s;
        break;
      }
      case 'mode':
        if (!/^[0-7]+$/.test(val) || Number.parseInt(val, 8) > 0xffffffff) throw new InstructionError(`invalid value ${val} for mode`);
        mount.mode = Number.parseInt(val, 8);
        fileInfo = true;
        break;
      case 'uid':
      case 'gid': {
        if (!/^[0-9]+$/.test(val) || Number(val) > 0xffffffff) throw new InstructionError(`invalid value ${val} for ${key}`);
        mount[key] = Number(val);
        fileInfo = true;
        break;
      }
      case 'env':
        mount.env = val;
        break;
      default:
        throw new InstructionError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (fileInfo && mount.type !== 'secret' && mount.type !== 'ssh' && mount.type !== 'cache') {
    const which = mount.mode !== undefined ? 'mode' : mount.uid !== undefined ? 'uid' : 'gid';
    throw new InstructionError(`${which} not allowed for "${mount.type}" type mounts`);
  }
  if (mount.type === 'secret') {
    if (mount.from !== undefined) throw new InstructionError('secret mount should not have a from');
    if (mount.source === undefined && mount.target === undefined && mount.id === undefined) {
      throw new InstructionError('invalid secret mount. one of source, target required');
    }
    if (mount.source !== undefined && mount.id !== undefined) throw new InstructionError("both source and id can't be set");
  }
  if ((mount.type === 'bind' || mount.type === 'cache' || mount.type === 'tmpfs') && !mount.target) {
    throw new InstructionError(`mount of type "${mount.type}" needs a target`);
  }
  return mount;
}

function unexpectedKey(key: string, type: string): InstructionError {
  return new InstructionError(`unexpected key '${key}' for mount type '${type}'`);
}

/** Go's strconv.ParseBool. */
function parseBool(key: string, val: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(val)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(val)) return false;
  throw new InstructionError(`invalid value for ${key}: ${val}`);
}

/** A tmpfs size like Docker's RAMInBytes: `64m`, `1.5g`, `100` (bytes), `2GiB`; powers of 1024. */
function parseRamBytes(key: string, val: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(val);
  if (!m) throw new InstructionError(`invalid value for ${key}: ${val}`);
  const n = Number.parseFloat(m[1]);
  const power = m[2] === undefined ? 0 : 'kmgtp'.indexOf(m[2].toLowerCase()) + 1;
  return Math.trunc(n * 1024 ** power);
}

/** One CSV record (encoding/csv rules: `"` quotes a field, `""` inside quotes is a quote). */
function csvFields(record: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (record[i] === '"') {
      i++;
      for (;;) {
        if (i >= record.length) throw new InstructionError(`failed to parse csv mounts: extraneous or missing " in quoted-field`);
        if (record[i] === '"') {
          if (record[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += record[i++];
      }
      if (i < record.length && record[i] !== ',') throw new InstructionError(`failed to parse csv mounts: extraneous or missing " in quoted-field`);
    } else {
      const end = record.indexOf(',', i);
      field = record.slice(i, end < 0 ? record.length : end);
      if (field.includes('"')) throw new InstructionError(`failed to parse csv mounts: bare " in non-quoted-field`);
      i = end < 0 ? record.length : end;
    }
    fields.push(field);
    if (i >= record.length) break;
    i++; // the comma
  }
  return fields;
}
