import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf } from '../lib/errors/index.js';
import { FakeDaemon } from './testing/fake-daemon.js';
import { frame, FrameDecoder, STDOUT } from '../lib/streams/stdcopy.js';
import { EngineClient } from './transport.js';
import { parseEndpoint, resolveHost, DEFAULT_HOST } from './endpoint.js';
import { kindOfStatus } from './errors.js';
import { containerList } from './container-list.js';
import { containerInspect } from './container-inspect.js';
import { containerStart } from './container-start.js';
import { containerAttach } from './container-attach.js';
import { containerCreate } from './container-create.js';
import { imageCreate } from './image-create.js';
import { Readable } from 'node:stream';

let daemon: FakeDaemon;
let client: EngineClient;

before(async () => {
  daemon = await new FakeDaemon().listen();
  client = new EngineClient(daemon.host);
});
after(() => daemon.close());

test('status codes map to error kinds', () => {
  const cases: Array<[number, string]> = [[304, 'not-modified'], [400, 'invalid-argument'], [401, 'unauthorized'],
    [403, 'forbidden'], [404, 'not-found'], [409, 'conflict'], [500, 'internal'], [501, 'not-implemented'],
    [502, 'internal'], [503, 'unavailable']];
  for (const [status, kind] of cases) assert.equal(kindOfStatus(status), kind, String(status));
});

test('daemon errors come back with their kind, message and status', async () => {
  daemon.json('GET /containers/nope/json', 404, { message: 'No such container: nope' });
  daemon.json('POST /containers/busy/start', 409, { message: 'container is paused' });
  daemon.on('POST /containers/up/start', (_r, res) => { res.writeHead(304); res.end(); });
  await assert.rejects(containerInspect(client, 'nope'), (err: Error & { status?: number }) => {
    assert.equal(kindOf(err), 'not-found');
    assert.equal(err.message, 'No such container: nope');
    assert.equal(err.status, 404);
    return true;
  });
  await assert.rejects(containerStart(client, 'busy'), (err: Error) => kindOf(err) === 'conflict');
  await assert.rejects(containerStart(client, 'up'), (err: Error) => kindOf(err) === 'not-modified');
});

test('requests carry the version prefix, query and JSON body', async () => {
  daemon.json('GET /containers/json', 200, []);
  daemon.json('POST /containers/create', 201, { Id: 'abc', Warnings: [] });
  await containerList(client, { all: true, filters: { status: ['exited'], label: ['a=b'] } });
  const seen = daemon.seen('GET /containers/json').at(-1)!;
  assert.equal(seen.query.get('all'), '1');
  assert.deepEqual(JSON.parse(seen.query.get('filters')!), { status: { exited: true }, label: { 'a=b': true } });
  const res = await containerCreate(client, { name: 'web', config: { Image: 'busybox', Cmd: ['true'] } });
  assert.equal(res.Id, 'abc');
  const create = daemon.seen('POST /containers/create').at(-1)!;
  assert.equal(create.query.get('name'), 'web');
  assert.deepEqual(JSON.parse(create.body), { Image: 'busybox', Cmd: ['true'] });
});

test('hijack hands back the raw socket after 101', async () => {
  daemon.upgrade('POST /containers/c1/attach', (req, socket) => {
    assert.equal(req.query.get('stream'), '1');
    socket.end(frame(STDOUT, Buffer.from('hello\n')));
  });
  const conn = await containerAttach(client, 'c1', { stdout: true, stderr: true });
  assert.match(conn.contentType, /multiplexed/);
  const decoder = new FrameDecoder();
  const frames = [...decoder.push(conn.head)];
  for await (const chunk of conn.socket) frames.push(...decoder.push(chunk as Buffer));
  assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'hello\n']]);
});

test('hijack refusals become error kinds', async () => {
  await assert.rejects(containerAttach(client, 'missing', {}), (err: Error) => kindOf(err) === 'not-found');
});

test('an unreachable daemon is unavailable with docker wording', async () => {
  const dead = new EngineClient('unix:///nonexistent/berth.sock');
  await assert.rejects(containerList(dead), (err: Error) => {
    assert.equal(kindOf(err), 'unavailable');
    assert.match(err.message, /^Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\/berth.sock. Is the docker daemon running\?$/);
    return true;
  });
});

test('import streams the tarball and returns the reported id', async () => {
  daemon.on('POST /images/create', (req, res) => {
    assert.equal(req.query.get('fromSrc'), '-');
    assert.equal(req.query.get('repo'), 'mine');
    assert.deepEqual(req.query.getAll('changes'), ['ENV A=1']);
    assert.equal(req.body, 'TARBYTES');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify({ status: 'sha256:feed' })}\n`);
  });
  const id = await imageCreate(client, { source: Readable.from([Buffer.from('TAR'), Buffer.from('BYTES')]), repo: 'mine', changes: ['ENV A=1'] });
  assert.equal(id, 'sha256:feed');
});

test('host resolution order and endpoint parsing', () => {
  assert.equal(resolveHost('tcp://a:1', { BERTH_HOST: 'unix:///b', DOCKER_HOST: 'unix:///c' }), 'tcp://a:1');
  assert.equal(resolveHost(undefined, { BERTH_HOST: 'unix:///b', DOCKER_HOST: 'unix:///c' }), 'unix:///b');
  assert.equal(resolveHost(undefined, { DOCKER_HOST: 'unix:///c' }), 'unix:///c');
  assert.equal(resolveHost(undefined, {}), DEFAULT_HOST);
  assert.deepEqual(parseEndpoint('tcp://127.0.0.1:2375'), { kind: 'tcp', host: '127.0.0.1', port: 2375, url: 'tcp://127.0.0.1:2375' });
  assert.equal(parseEndpoint('unix:///run/x.sock').kind, 'unix');
  assert.throws(() => parseEndpoint('ssh://host'), /unsupported/);
  // docker reads an address without a scheme as TCP, with its defaults for what is left out
  assert.deepEqual(parseEndpoint('127.0.0.1:2375'), { kind: 'tcp', host: '127.0.0.1', port: 2375, url: 'tcp://127.0.0.1:2375' });
  assert.equal(parseEndpoint('tcp://').url, 'tcp://localhost:2375');
  assert.equal(parseEndpoint(':2376').url, 'tcp://localhost:2376');
  assert.equal(parseEndpoint('tcp://[::1]:80').url, 'tcp://[::1]:80');
  assert.throws(() => parseEndpoint('bogus://x'), /^Error: invalid bind address format: bogus:\/\/x$/);
  assert.throws(() => parseEndpoint('tcp://h:99999'), /invalid bind address format/);
});
