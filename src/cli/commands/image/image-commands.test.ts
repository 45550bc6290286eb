import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeDaemon } from '../../../client/testing/fake-daemon.js';
import { runCaptured } from '../../testing/capture.js';
import { testTempDir } from '../../../lib/testing/temp-dir.js';

let daemon: FakeDaemon;
const berth = (...args: string[]) => runCaptured(['-H', daemon.host, ...args]);
const now = Math.floor(Date.now() / 1000);
const IMG = { Id: `sha256:${'ab'.repeat(32)}`, ParentId: '', RepoTags: ['busybox:latest'], RepoDigests: [], Created: now - 7200, Size: 4261376, SharedSize: -1, Labels: null, Containers: -1 };

before(async () => { daemon = await new FakeDaemon().listen(); });
after(() => daemon.close());

test('images prints docker\'s table', async () => {
  daemon.json('GET /images/json', 200, [IMG, { ...IMG, Id: `sha256:${'cd'.repeat(32)}`, RepoTags: [] }]);
  const r = await berth('images');
  assert.equal(r.code, 0);
  assert.equal(r.stdout,
    'REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\n'
    + 'busybox      latest    abababababab   2 hours ago   4.26MB\n'
    + '<none>       <none>    cdcdcdcdcdcd   2 hours ago   4.26MB\n');
});

test('images -q, filters and --format', async () => {
  daemon.json('GET /images/json', 200, [{ ...IMG, RepoTags: ['busybox:latest', 'bb:1'] }]);
  let r = await berth('image', 'ls', '-q', '--filter', 'dangling=false', 'busybox');
  // one line per tag: docker repeats the id of an image with two tags
  assert.equal(r.stdout, 'abababababab\nabababababab\n');
  const q = daemon.seen('GET /images/json').at(-1)!.query;
  assert.deepEqual(JSON.parse(q.get('filters')!), { dangling: { false: true }, reference: { busybox: true } });
  r = await berth('images', '--format', '{{.Repository}}:{{.Tag}} {{.Size}}');
  assert.equal(r.stdout, 'busybox:latest 4.26MB\nbb:1 4.26MB\n');
});

test('rmi prints untagged/deleted lines and daemon errors', async () => {
  daemon.json('DELETE /images/busybox', 200, [{ Untagged: 'busybox:latest' }, { Deleted: IMG.Id }]);
  daemon.json('DELETE /images/used', 409, { message: 'conflict: unable to remove repository reference "used" (must force) - container 123 is using its referenced image 456' });
  const r = await berth('rmi', 'busybox', 'used');
  assert.equal(r.stdout, `Untagged: busybox:latest\nDeleted: ${IMG.Id}\n`);
  assert.match(r.stderr, /^Error response from daemon: conflict: unable to remove/);
  assert.equal(r.code, 1);
});

test('tag splits repo and tag', async () => {
  daemon.on('POST /images/busybox/tag', (_req, res) => { res.writeHead(201); res.end(); });
  const r = await berth('tag', 'busybox', 'localhost:5000/me/bb:v1');
  assert.equal(r.code, 0);
  const q = daemon.seen('POST /images/busybox/tag').at(-1)!.query;
  assert.equal(q.get('repo'), 'localhost:5000/me/bb');
  assert.equal(q.get('tag'), 'v1');
});

test('import sends the file with changes and message and prints the id', async () => {
  const dir = testTempDir('berth-import-');
  const file = join(dir, 'rootfs.tar');
  writeFileSync(file, 'tar-bytes');
  daemon.on('POST /images/create', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify({ status: req.body === 'tar-bytes' ? 'sha256:1234' : 'bad body' })}\n`);
  });
  const r = await berth('import', '-c', 'CMD ["sh"]', '-m', 'hello', file, 'mine:v1');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'sha256:1234\n');
  const q = daemon.seen('POST /images/create').at(-1)!.query;
  assert.equal(q.get('repo'), 'mine');
  assert.equal(q.get('tag'), 'v1');
  assert.equal(q.get('changes'), 'CMD ["sh"]');
  assert.equal(q.get('message'), 'hello');
  const missing = await berth('import', join(dir, 'nope.tar'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no such file or directory/);
});

test('history prints layers with truncated commands', async () => {
  daemon.json('GET /images/busybox/history', 200, [
    { Id: IMG.Id, Created: now - 60, CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"] and a very long tail of text', Tags: ['busybox:latest'], Size: 0, Comment: '' },
    { Id: '<missing>', Created: now - 60, CreatedBy: 'ADD file:abc in /', Tags: null, Size: 4261376, Comment: 'imported' },
  ]);
  const r = await berth('history', 'busybox');
  assert.equal(r.stdout,
    'IMAGE          CREATED              CREATED BY                                      SIZE      COMMENT\n'
    + 'abababababab   About a minute ago   /bin/sh -c #(nop)  CMD ["sh"] and a very lon…   0B        \n'
    + '<missing>      About a minute ago   ADD file:abc in /                               4.26MB    imported\n');
});

test('image prune -a sends dangling=false', async () => {
  daemon.json('POST /images/prune', 200, { ImagesDeleted: [{ Deleted: 'sha256:1' }], SpaceReclaimed: 0 });
  const r = await berth('image', 'prune', '-af');
  assert.equal(r.stdout, 'Deleted Images:\ndeleted: sha256:1\n\nTotal reclaimed space: 0B\n');
  assert.deepEqual(JSON.parse(daemon.seen('POST /images/prune').at(-1)!.query.get('filters')!), { dangling: { false: true } });
});

test('version shows client and server sections', async () => {
  daemon.json('GET /version', 200, { Version: '0.1.0', ApiVersion: '1.50', MinAPIVersion: '1.24', Os: 'linux', Arch: 'amd64', Platform: { Name: 'berth' } });
  const r = await berth('version');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Client:\n Version: +\d/);
  assert.match(r.stdout, /\nServer: berth\n Engine:\n  Version: +0\.1\.0\n  API version: +1\.50 \(minimum version 1\.24\)/);
  const f = await berth('version', '--format', '{{.Server.Version}}');
  assert.equal(f.stdout, '0.1.0\n');
});

test('load streams the archive and prints what the daemon loaded', async () => {
  daemon.on('POST /images/load', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify({ stream: `Loaded image: busybox:latest (${req.body.length} bytes)\n` })}\n`);
  });
  const r = await runCaptured(['-H', daemon.host, 'load'], { stdin: 'archive' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Loaded image: busybox:latest (7 bytes)\n');
});

test('save writes the daemon\'s tarball to -o', async () => {
  const dir = testTempDir('berth-save-');
  daemon.on('GET /images/get', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    res.end(`tar of ${req.query.getAll('names').join('+')}`);
  });
  const out = join(dir, 'out.tar');
  const r = await berth('save', '-o', out, 'busybox', 'imp:1');
  assert.equal(r.code, 0, r.stderr);
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(out, 'utf8'), 'tar of busybox+imp:1');
});
