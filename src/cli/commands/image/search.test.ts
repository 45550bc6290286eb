import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../../client/testing/fake-daemon.js';
import { runCaptured } from '../../testing/capture.js';

let daemon: FakeDaemon;
const berth = (...args: string[]) => runCaptured(['-H', daemon.host, ...args]);

before(async () => { daemon = await new FakeDaemon().listen(); });
after(() => daemon.close());

const RESULTS = [
  { star_count: 325, is_official: true, name: 'busybox', is_automated: false, description: 'Busybox base image.' },
  { star_count: 8, is_official: false, name: 'radial/busyboxplus', is_automated: false, description: 'Full-chain, Internet enabled, busybox made from scratch.\nComes in git and cURL flavors.' },
];

test('search prints docker\'s columns, truncating descriptions at 45 characters', async () => {
  daemon.json('GET /images/search', 200, RESULTS);
  const r = await berth('search', 'busybox');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout,
    'NAME                 DESCRIPTION                                     STARS     OFFICIAL\n'
    + 'busybox              Busybox base image.                             325       [OK]\n'
    + 'radial/busyboxplus   Full-chain, Internet enabled, busybox made f…   8         \n');
  const q = daemon.seen('GET /images/search').at(-1)!.query;
  assert.equal(q.get('term'), 'busybox');
  assert.equal(q.get('limit'), null);
});

test('search --no-trunc, --limit, --filter and --format', async () => {
  daemon.json('GET /images/search', 200, RESULTS);
  let r = await berth('search', '--no-trunc', '--format', '{{.Description}}', 'busybox');
  assert.equal(r.stdout, 'Busybox base image.\nFull-chain, Internet enabled, busybox made from scratch. Comes in git and cURL flavors.\n');
  r = await berth('search', '--limit', '5', '-f', 'is-official=true', '--filter', 'stars=3', '--format', '{{.Name}}: {{.StarCount}} {{.IsOfficial}}', '127.0.0.1:5000/busy');
  assert.equal(r.stdout, 'busybox: 325 [OK]\nradial/busyboxplus: 8 \n');
  const q = daemon.seen('GET /images/search').at(-1)!.query;
  assert.equal(q.get('term'), '127.0.0.1:5000/busy');
  assert.equal(q.get('limit'), '5');
  assert.deepEqual(JSON.parse(q.get('filters')!), { 'is-official': { true: true }, stars: { 3: true } });
  r = await berth('search', '--format', 'table {{.Name}}\t{{.IsOfficial}}', 'busybox');
  assert.equal(r.stdout, 'NAME                 OFFICIAL\nbusybox              [OK]\nradial/busyboxplus   \n');
  r = await berth('search', '--format', '{{json .}}', 'busybox');
  assert.equal(r.stdout.split('\n')[0], '{"Description":"Busybox base image.","IsAutomated":"","IsOfficial":"[OK]","Name":"busybox","StarCount":"325"}');
});

test('search errors come from the daemon as docker prints them', async () => {
  daemon.json('GET /images/search', 400, { message: 'limit 101 is outside the range of [1, 100]' });
  const r = await berth('search', '--limit', '101', 'x');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: limit 101 is outside the range of [1, 100]\n');
});
