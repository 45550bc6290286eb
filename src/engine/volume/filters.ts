import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { VolumeRecord } from '../../volume/types.js';
import { checkKeys, matchLabelList } from '../network/filters.js';

type Filters = Map<string, string[]>;

/** The label Docker puts on volumes made for one container; prune without all=true takes only these. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export const LIST_FILTERS = ['dangling', 'driver', 'label', 'name'];
export const PRUNE_FILTERS = ['label', 'label!', 'all'];

/** A volume's labels as clients see them: anonymous ones carry Docker's marker label. */
export function labelsOf(rec: VolumeRecord): Record<string, string> {
  return rec.anonymous ? { ...rec.labels, [ANONYMOUS_LABEL]: '' } : rec.labels;
}

function oneBool(f: Filters, key: string): boolean | undefined {
  const v = f.get(key);
  if (!v?.length) return undefined;
  if (v.length > 1) throw new InvalidArgumentError(`got more than one value for filter key "${key}"`);
  if (v[0] === '1' || v[0] === 'true') return true;
  if (v[0] === '0' || v[0] === 'false') return false;
  throw new InvalidArgumentError(`invalid filter '${key}=${v[0]}'`);
}

/**
 * `GET /volumes?filters=`: name is a substring match, driver exact, labels must all match,
 * dangling=true keeps volumes no container uses.
 */
export function volumeListFilter(f: Filters, inUse: (name: string) => boolean): (rec: VolumeRecord) => boolean {
  checkKeys(f, LIST_FILTERS);
  const dangling = oneBool(f, 'dangling');
  const names = f.get('name') ?? [];
  const drivers = f.get('driver') ?? [];
  const labels = f.get('label') ?? [];
  return (rec) => {
    if (names.length && !names.some((n) => rec.name.includes(n))) return false;
    if (drivers.length && !drivers.includes(rec.driver)) return false;
    if (labels.length && !matchLabelList(labelsOf(rec), labels)) return false;
    if (dangling !== undefined && dangling === inUse(rec.name)) return false;
    return true;
  };
}

/** `POST /volumes/prune?filters=`: anonymous volumes only unless all=true; label and label!. */
export function volumePruneFilter(f: Filters): (rec: VolumeRecord) => boolean {
  checkKeys(f, PRUNE_FILTERS);
  const all = oneBool(f, 'all') ?? false;
  const labels = f.get('label') ?? [];
  const notLabels = f.get('label!') ?? [];
  return (rec) => {
    if (!all && !rec.anonymous) return false;
    const l = labelsOf(rec);
    if (labels.length && !matchLabelList(l, labels)) return false;
    if (notLabels.length && notLabels.some((v) => matchLabelList(l, [v]))) return false;
    return true;
  };
}
