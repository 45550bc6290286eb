import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../../client/testing/fake-daemon.js';
import { runCaptured } from '../../testing/capture.js';

let daemon: FakeDaemon;
const berth = (...args: string[]) => runCaptured(['-H', daemon.host, ...args]);

const IMG = `sha256:${'c5'.repeat(32)}`;
const image = (id: string, tags: string[], size: number, shared: number, containers: number) => ({
  Id: id, ParentId: '', RepoTags: tags, RepoDigests: [], Created: 1704067200, Size: size, SharedSize: shared, Labels: {}, Containers: containers,
});
const container = (id: string, state: string, sizeRw: number) => ({
  Id: id.repeat(64 / id.length), Names: [`/${id}`], Image: 'busybox', ImageID: IMG, Command: 'true', Created: Math.floor(Date.now() / 1000) - 5,
  Ports: [], SizeRw: sizeRw, Labels: {}, State: state, Status: state === 'running' ? 'Up 1 second' : 'Exited (0) 1 second ago', Mounts: [],
});

before(async () => {
  daemon = await new FakeDaemon().listen();
  // Two images share a 1 MB base; one is used by a running container.
  daemon.json('GET /system/df', 200, {
    LayersSize: 1_500_000,
    Images: [image(IMG, ['busybox:latest'], 1_200_000, 1_000_000, 1), image(`sha256:${'ab'.repeat(32)}`, [], 1_300_000, 1_000_000, 0)],
    Containers: [container('a1', 'running', 3_145_728), container('b2', 'exited', 1_000)],
    Volumes: [],
    BuildCache: [],
  });
});
after(() => daemon.close());

test('system df sums as docker does: shared layers once, reclaimable with its share', async () => {
  const r = await berth('system', 'df');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE',
    'Images          2         1         1.5MB     1.3MB (86%)',
    'Containers      2         1         3.147MB   1kB (0%)',
    'Local Volumes   0         0         0B        0B',
    'Build Cache     0         0         0B        0B',
    '',
  ].join('\n'));
});

test('system df --format json prints one sorted-key object per row', async () => {
  const r = await berth('system', 'df', '--format', '{{json .}}');
  assert.equal(r.stdout.split('\n')[0], '{"Active":"1","Reclaimable":"1.3MB (86%)","Size":"1.5MB","TotalCount":"2","Type":"Images"}');
});

test('system df -v has a section per kind, one line per image with its first tag', async () => {
  const r = await berth('system', 'df', '-v');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'Images space usage:');
  assert.match(lines[3]!, /^busybox\s+latest\s+c5c5c5c5c5c5\s+\d+ years ago\s+1\.2MB\s+1MB\s+200kB\s+1$/);
  assert.match(lines[4]!, /^<none>\s+<none>\s+abababababab\s+.*\s+1\.3MB\s+1MB\s+300kB\s+0$/);
  assert.ok(lines.includes('Containers space usage:'));
  assert.ok(lines.some((l) => /^a1a1a1a1a1a1\s+busybox\s+"true"\s+0\s+3\.15MB\s+\d+ seconds ago\s+Up 1 second\s+a1$/.test(l)), r.stdout);
  assert.ok(lines.includes('Build cache usage: 0B'));
  assert.equal(lines.at(-2), 'CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED');
});
