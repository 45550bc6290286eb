import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../../client/testing/fake-daemon.js';
import { runCaptured } from '../../testing/capture.js';

let daemon: FakeDaemon;
const berth = (...args: string[]) => runCaptured(['-H', daemon.host, ...args]);

const ID = 'e4d9cec1553a60d8ba70fae5b2d3951434d038a9dd9463ba38c30faef4a3f118';
// As the daemon sends them: Docker's field order, attributes sorted.
const DIE = {
  status: 'die', id: ID, from: 'busybox', Type: 'container', Action: 'die',
  Actor: { ID, Attributes: { execDuration: '0', exitCode: '0', image: 'busybox', name: 'ev1', tier: 'front' } },
  scope: 'local', time: 1796113419, timeNano: 1796113419705000000,
};
const PRUNE = { Type: 'container', Action: 'prune', Actor: { ID: '', Attributes: { reclaimed: '0' } }, scope: 'local', time: 1796113424, timeNano: 1796113424273000000 };

before(async () => {
  daemon = await new FakeDaemon().listen();
  daemon.on('GET /events', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify(DIE)}\n${JSON.stringify(PRUNE)}\n`);
  });
});
after(() => daemon.close());

test('events prints docker\'s lines: time, type, action, id and sorted attributes', { skip: new Date().getTimezoneOffset() !== 0 && 'needs a UTC time zone' }, async () => {
  const r = await berth('events', '--since', '1796113400', '--until', '1796113500.5');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout,
    `2026-12-01T08:23:39.705000000Z container die ${ID} (execDuration=0, exitCode=0, image=busybox, name=ev1, tier=front)\n` +
    '2026-12-01T08:23:44.273000000Z container prune  (reclaimed=0)\n');
  const q = daemon.seen('GET /events').at(-1)!.query;
  assert.equal(q.get('since'), '1796113400.000000000');
  assert.equal(q.get('until'), '1796113500.500000000');
});

test('events sends durations as unix times and filters as JSON', async () => {
  const before = Date.now() / 1000;
  await berth('system', 'events', '--since', '10m', '--until', '0s', '-f', 'type=container', '-f', 'label=tier=front', '--filter', 'event=die');
  const q = daemon.seen('GET /events').at(-1)!.query;
  assert.ok(Math.abs(Number(q.get('since')) - (before - 600)) < 5, q.get('since')!);
  assert.deepEqual(JSON.parse(q.get('filters')!), { type: ['container'], label: ['tier=front'], event: ['die'] });
});

test('--format renders Go\'s events.Message; json keeps its field order', async () => {
  const r = await berth('events', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Scope}} {{.TimeNano}}');
  assert.equal(r.stdout, 'container die ev1 local 1796113419705000000\ncontainer prune <no value> local 1796113424273000000\n');
  const j = await berth('events', '--format', 'json');
  assert.equal(j.stdout.split('\n')[0], JSON.stringify(DIE));
});

test('a bad format fails before any event with docker\'s exit status 64', async () => {
  const n = daemon.seen('GET /events').length;
  const r = await berth('events', '--format', '{{.Nope');
  assert.equal(r.code, 64);
  assert.match(r.stderr, /^Error parsing format: template: /);
  assert.equal(daemon.seen('GET /events').length, n);
});

test('a since that is no time is refused before asking the daemon', async () => {
  const r = await berth('events', '--since', 'yesterday');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /failed to parse value as time or duration: "yesterday"/);
});
