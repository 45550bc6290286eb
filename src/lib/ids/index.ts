import { randomBytes } from 'node:crypto';

/** A new 64-hex-digit object id, as Docker's container ids are. */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

/** The 12-character short form Docker prints. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

// Word lists for generated names; our own choice of ordinary words.
const LEFT = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'cool', 'crisp', 'daring', 'eager', 'fancy', 'fast',
  'fierce', 'gentle', 'glad', 'golden', 'happy', 'hardy', 'humble', 'jolly', 'keen', 'kind', 'lively', 'lucid',
  'merry', 'mighty', 'modest', 'nimble', 'noble', 'patient', 'plucky', 'polite', 'proud', 'quick', 'quiet', 'rapid',
  'ready', 'shiny', 'silent', 'sleek', 'smart', 'snappy', 'steady', 'sturdy', 'sunny', 'swift', 'tidy', 'vivid',
  'warm', 'wise', 'witty', 'zesty',
];
const RIGHT = [
  'anchor', 'barge', 'beacon', 'buoy', 'cabin', 'canal', 'cargo', 'compass', 'cove', 'crane', 'current', 'deck',
  'dock', 'ferry', 'fjord', 'galley', 'gull', 'harbor', 'hull', 'island', 'jetty', 'keel', 'lagoon', 'lantern',
  'mast', 'mooring', 'narrows', 'oar', 'pier', 'pilot', 'quay', 'raft', 'reef', 'rigging', 'rudder', 'sail',
  'schooner', 'shoal', 'skiff', 'sloop', 'sound', 'strait', 'tide', 'tugboat', 'wake', 'wharf', 'yacht', 'yawl',
];

/** A random "adjective_noun" name; `taken` lets the caller avoid collisions. */
export function generateName(taken: (name: string) => boolean): string {
  for (let i = 0; i < 20; i++) {
    const l = LEFT[randomBytes(1)[0]! % LEFT.length]!;
    const r = RIGHT[randomBytes(1)[0]! % RIGHT.length]!;
    const name = i < 10 ? `${l}_${r}` : `${l}_${r}${randomBytes(1)[0]! % 10}`;
    if (!taken(name)) return name;
  }
  return `berth_${randomBytes(4).toString('hex')}`;
}
