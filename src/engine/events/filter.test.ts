import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventMessage } from '../../api/event.js';
import { eventFilter } from './filter.js';

const ID = 'a1b2c3d4e5f6'.padEnd(64, '0');
const IMG = `sha256:${'f'.repeat(64)}`;

function ev(type: EventMessage['Type'], action: string, id: string, attrs: Record<string, string> = {}): EventMessage {
  return { Type: type, Action: action, Actor: { ID: id, Attributes: attrs }, scope: 'local', time: 1, timeNano: 1e9 };
}

const start = ev('container', 'start', ID, { name: 'web', image: 'busybox:latest', tier: 'front' });
const tag = ev('image', 'tag', IMG, { name: 'busybox:latest' });
const exec = ev('container', 'exec_start: sh -c true', ID, { name: 'web', image: 'busybox' });
const prune = ev('container', 'prune', '', { reclaimed: '0' });

function keeps(filters: Record<string, string[]>, e: EventMessage): boolean {
  return eventFilter(new Map(Object.entries(filters)))(e);
}

test('no filters keep everything', () => {
  assert.ok(keeps({}, start) && keeps({}, tag) && keeps({}, prune));
});

test('type, event and scope match exactly; several values are alternatives', () => {
  assert.ok(keeps({ type: ['container'] }, start));
  assert.ok(!keeps({ type: ['container'] }, tag));
  assert.ok(keeps({ type: ['network', 'image'] }, tag));
  assert.ok(keeps({ event: ['start', 'stop'] }, start));
  assert.ok(!keeps({ event: ['sta'] }, start));
  assert.ok(keeps({ scope: ['local'] }, start));
  assert.ok(!keeps({ scope: ['swarm'] }, start));
  assert.ok(!keeps({ type: ['volume'] }, start));
});

test('exec_start and health_status match the actions that carry a command after them', () => {
  assert.ok(keeps({ event: ['exec_start'] }, exec));
  assert.ok(!keeps({ event: ['exec_die'] }, exec));
});

test('container by full id, id prefix or name; other kinds do not match', () => {
  assert.ok(keeps({ container: [ID] }, start));
  assert.ok(keeps({ container: ['a1b2c3'] }, start));
  assert.ok(keeps({ container: ['web'] }, start));
  assert.ok(!keeps({ container: ['db'] }, start));
  assert.ok(!keeps({ container: ['web'] }, tag));
});

test('image by id, reference or name without its tag, for image and container events', () => {
  assert.ok(keeps({ image: ['busybox'] }, start));
  assert.ok(keeps({ image: ['busybox:latest'] }, start));
  assert.ok(keeps({ image: ['busybox'] }, tag));
  assert.ok(keeps({ image: [IMG] }, tag));
  assert.ok(!keeps({ image: ['alpine'] }, tag));
  assert.ok(!keeps({ image: ['busybox'] }, prune));
});

test('labels by key or key=value, all of them', () => {
  assert.ok(keeps({ label: ['tier'] }, start));
  assert.ok(keeps({ label: ['tier=front'] }, start));
  assert.ok(!keeps({ label: ['tier=back'] }, start));
  assert.ok(!keeps({ label: ['tier', 'zone'] }, start));
  assert.ok(keeps({ label: ['tier=front', 'name=web'] }, start));
});

test('keys combine with and', () => {
  assert.ok(keeps({ type: ['container'], event: ['start'], container: ['web'] }, start));
  assert.ok(!keeps({ type: ['container'], event: ['die'], container: ['web'] }, start));
});

test('an unknown key is refused as docker does', () => {
  assert.throws(() => eventFilter(new Map([['colour', ['red']]])), { kind: 'invalid-argument', message: "invalid filter 'colour'" });
});
