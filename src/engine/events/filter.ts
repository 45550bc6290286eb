import { InvalidArgumentError } from '../../lib/errors/index.js';
import { parseReference } from '../../oci/reference.js';
import type { EventMessage } from '../../api/event.js';

/** The filter keys `GET /events` takes (Docker's, including the swarm kinds berth has no events of). */
export const EVENT_FILTER_KEYS = ['config', 'container', 'daemon', 'event', 'image', 'label', 'network', 'node', 'plugin', 'scope', 'secret', 'service', 'type', 'volume'];

/** Event names that docker matches by prefix, because their actions carry a suffix ("exec_start: sh -c …"). */
const PREFIX_ACTIONS = new Set(['health_status', 'exec_create', 'exec_start']);

type Filters = Map<string, string[]>;

/** True when the key is absent or `value` is one of its values. */
function exact(f: Filters, key: string, value: string): boolean {
  const want = f.get(key);
  return !want || want.includes(value);
}

/** As `exact`, or `value` starts with one of the key's values (ids by prefix, as docker matches them). */
function fuzzy(f: Filters, key: string, value: string | undefined): boolean {
  const want = f.get(key);
  if (!want) return true;
  return value !== undefined && want.some((w) => value === w || value.startsWith(w));
}

/** An object of one kind by its id or name; an event of another kind never matches. */
function byName(f: Filters, key: string, e: EventMessage): boolean {
  if (!f.has(key)) return true;
  return fuzzy(f, key, e.Actor.ID) || fuzzy(f, key, e.Actor.Attributes.name);
}

/** "busybox:latest" and "docker.io/library/busybox" both match "busybox", as docker strips tags. */
function withoutTag(image: string): string {
  try {
    return parseReference(image).familiarName;
  } catch {
    return image;
  }
}

function matchImage(f: Filters, e: EventMessage): boolean {
  const want = f.get('image');
  if (!want) return true;
  // Image events name the image in `name`, container events in `image`.
  const name = e.Actor.Attributes[e.Type === 'image' ? 'name' : 'image'] ?? '';
  const ids = e.Type === 'image' ? [e.Actor.ID, withoutTag(e.Actor.ID)] : [];
  return [...ids, name, withoutTag(name)].some((v) => v !== '' && want.includes(v));
}

function matchLabels(f: Filters, attrs: Record<string, string>): boolean {
  const want = f.get('label');
  if (!want) return true;
  return want.every((l) => {
    const i = l.indexOf('=');
    if (i < 0) return Object.hasOwn(attrs, l);
    const k = l.slice(0, i);
    return Object.hasOwn(attrs, k) && attrs[k] === l.slice(i + 1);
  });
}

function matchAction(f: Filters, action: string): boolean {
  const want = f.get('event');
  if (!want) return true;
  if (want.some((w) => PREFIX_ACTIONS.has(w))) return want.some((w) => action === w || action.startsWith(w));
  return want.includes(action);
}

/**
 * Builds the predicate for `GET /events?filters=…`: every key present must match (values of
 * one key are alternatives), as docker's daemon filters events.
 * @throws {InvalidArgumentError} for a key docker does not know (an unknown type or scope just matches nothing)
 */
export function eventFilter(f: Filters): (e: EventMessage) => boolean {
  for (const k of f.keys()) if (!EVENT_FILTER_KEYS.includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  if (f.size === 0) return () => true;
  return (e) =>
    matchAction(f, e.Action) &&
    exact(f, 'type', e.Type) &&
    exact(f, 'scope', e.scope) &&
    (['daemon', 'container', 'plugin', 'volume', 'network', 'node', 'service', 'secret', 'config'] as const).every((k) => byName(f, k, e)) &&
    matchImage(f, e) &&
    matchLabels(f, e.Actor.Attributes);
}
