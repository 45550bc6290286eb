import { InvalidArgumentError } from '../../lib/errors/index.js';
import { linearRegExp, type Matcher } from '../../lib/regex/linear.js';
import type { NetworkRecord } from '../../network/types.js';
import { parseUntil } from '../container/api.js';

type Filters = Map<string, string[]>;

/** The keys `GET /networks` takes. */
export const LIST_FILTERS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'];
/** The keys `POST /networks/prune` takes. */
export const PRUNE_FILTERS = ['until', 'label', 'label!'];

/** Refuses keys a route does not know, with Docker's message. */
export function checkKeys(f: Filters, allowed: string[]): void {
  for (const k of f.keys()) if (!allowed.includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
}

/**
 * Docker's filters.Match: the value itself, or a regular expression found anywhere in it (so
 * `name=foo` matches "foobar"); a value that is not a valid expression only matches exactly.
 */
function matcher(values: string[]): (s: string) => boolean {
  const res: Matcher[] = [];
  for (const v of values) {
    try {
      res.push(linearRegExp(v));
    } catch {
      // Docker skips patterns that do not compile
    }
  }
  return (s) => values.includes(s) || res.some((re) => re.test(s));
}

/** Docker's MatchKVList: every "key" or "key=value" must be among the labels. */
export function matchLabelList(labels: Record<string, string>, values: string[]): boolean {
  return values.every((v) => {
    const i = v.indexOf('=');
    const k = i < 0 ? v : v.slice(0, i);
    if (!Object.hasOwn(labels, k)) return false;
    return i < 0 || labels[k] === v.slice(i + 1);
  });
}

/** What a list filter needs to know beyond the record: whether any container uses the network. */
export type InUse = (rec: NetworkRecord) => boolean;

/**
 * Builds the predicate for `GET /networks?filters=`: every key must match; values of one key
 * are alternatives, except labels, which must all be present (Docker's rules).
 * @throws {InvalidArgumentError} for unknown keys and bad `dangling` or `type` values
 */
export function networkListFilter(f: Filters, inUse: InUse): (rec: NetworkRecord) => boolean {
  checkKeys(f, LIST_FILTERS);
  const dangling = f.get('dangling');
  let danglingOnly: boolean | undefined;
  if (dangling?.length) {
    if (dangling.length > 1) throw new InvalidArgumentError('got more than one value for filter key "dangling"');
    if (dangling[0] === '1' || dangling[0] === 'true') danglingOnly = true;
    else if (dangling[0] === '0' || dangling[0] === 'false') danglingOnly = false;
    else throw new InvalidArgumentError('invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")');
  }
  const types = f.get('type');
  for (const t of types ?? []) if (t !== 'custom' && t !== 'builtin') throw new InvalidArgumentError(`invalid filter: 'type'='${t}'`);
  const names = f.has('name') ? matcher(f.get('name')!) : undefined;
  const ids = f.has('id') ? matcher(f.get('id')!) : undefined;
  const drivers = f.get('driver');
  const scopes = f.get('scope');
  const labels = f.get('label');
  return (rec) => {
    if (drivers && !drivers.includes(rec.driver)) return false;
    if (names && !names(rec.name)) return false;
    if (ids && !ids(rec.id)) return false;
    if (labels && !matchLabelList(rec.labels, labels)) return false;
    if (scopes && !scopes.includes(rec.scope)) return false;
    // predefined networks are never dangling, and always count as in use
    if (danglingOnly !== undefined && danglingOnly === (rec.predefined || inUse(rec))) return false;
    if (types && !types.includes(rec.predefined ? 'builtin' : 'custom')) return false;
    return true;
  };
}

/**
 * The prune predicate from `until` and `label`/`label!`: true for a network the filters allow
 * removing (whether it is unused is checked apart).
 */
export function networkPruneFilter(f: Filters, nowMs = Date.now()): (rec: NetworkRecord) => boolean {
  checkKeys(f, PRUNE_FILTERS);
  const untilValues = f.get('until') ?? [];
  if (untilValues.length > 1) throw new InvalidArgumentError('more than one until filter specified');
  const until = untilValues.length ? parseUntil(untilValues[0]!, nowMs) : undefined;
  const labels = f.get('label');
  const labelsNot = f.get('label!');
  return (rec) => {
    if (until !== undefined && Date.parse(rec.created) > until) return false;
    if (labels?.length && !matchLabelList(rec.labels, labels)) return false;
    if (labelsNot?.length && matchLabelList(rec.labels, labelsNot)) return false;
    return true;
  };
}
