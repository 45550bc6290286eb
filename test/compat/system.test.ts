// docker version / info, error wording scripts depend on, and a daemon that
// survives bad input — all through the real docker CLI or raw HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, fails, includes, ok, uniq } from '../helpers/assert.js';

describe('compat: system and errors', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('docker version shows Server API version 1.50', async () => {
    const v = ok(await d.docker(['version', '--format', '{{.Server.APIVersion}}']));
    assert.equal(v.trim(), '1.50');
    const full = await d.docker(['version']);
    const out = ok(full);
    const server = out.slice(out.indexOf('Server'));
    includes(server, /API version:\s+1\.50/, full);
  });

  it('docker info answers', async () => {
    const r = await d.docker(['info', '--format', '{{.ServerVersion}} {{.OSType}}']);
    assert.match(ok(r).trim(), /^\S+ linux$/);
  });

  it('the API accepts versions from 1.24 up, with or without the /vX.Y prefix, and refuses older ones', async () => {
    for (const path of ['/version', '/v1.24/version', '/v1.50/version']) {
      const r = await d.api({ path });
      assert.equal(r.status, 200, `${path}: ${r.body}`);
      assert.equal(r.json<{ ApiVersion: string }>().ApiVersion, '1.50');
    }
    const old = await d.api({ path: '/v1.12/version' });
    assert.equal(old.status, 400, old.body);
    assert.equal(typeof old.json<{ message: string }>().message, 'string');
  });

  it('docker events replays a container\'s life: create, attach, start, die with its code, destroy', async () => {
    const name = uniq('events');
    const since = Math.floor(Date.now() / 1000) - 1;
    exitsWith(await d.docker(['run', '--rm', '--name', name, 'busybox', 'sh', '-c', 'exit 4']), 4);
    const until = Math.floor(Date.now() / 1000) + 1;
    const out = ok(await d.docker(['events', '--since', String(since), '--until', String(until), '--filter', `container=${name}`, '--format', '{{.Action}} {{.Actor.Attributes.exitCode}}']));
    // A Go template prints <no value> for a missing attribute, as with Docker; a foreground
    // run attaches before it starts, and Docker says so.
    assert.deepEqual(out.trim().split('\n').map((l) => l.replace(' <no value>', '').trim()), ['create', 'attach', 'start', 'die 4', 'destroy']);
  });

  it('docker system df counts images and containers', async () => {
    const out = ok(await d.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']));
    const counts = Object.fromEntries(out.trim().split('\n').map((l) => [l.split(' ').slice(0, -1).join(' '), Number(l.split(' ').at(-1))]));
    assert.ok(counts.Images! >= 1, out);
    assert.equal(typeof counts.Containers, 'number', out);
  });

  it('docker rm of a missing container says "No such container" and exits 1', async () => {
    const r = await d.docker(['rm', 'nosuch']);
    exitsWith(r, 1);
    includes(r.stderr, 'No such container: nosuch', r);
  });

  it('docker logs / inspect of a missing container fail the Docker way', async () => {
    const logs = await d.docker(['logs', 'nosuch']);
    exitsWith(logs, 1);
    includes(logs.stderr, 'No such container: nosuch', logs);
    const insp = await d.docker(['inspect', 'nosuch']);
    exitsWith(insp, 1);
    includes(insp.stderr, /No such object: nosuch/, insp);
  });

  it('a name conflict gives Docker\'s message', async () => {
    const name = uniq('dup');
    ok(await d.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '600']));
    const r = await d.docker(['run', '-d', '--name', name, 'busybox', 'true']);
    exitsWith(r, 125);
    includes(r.stderr, `Conflict. The container name "/${name}" is already in use`, r);
    // The failed create must not leave a half-made container behind.
    const ps = ok(await d.docker(['ps', '-a', '--filter', `name=${name}`, '--format', '{{.Names}}']));
    assert.deepEqual(ps.trim().split('\n'), [name]);
  });

  it('malformed JSON to POST /containers/create is a 400 with a message, and the daemon keeps serving', async () => {
    const bodies = ['{"Image": "busybox", ', 'not json at all', '{"Image": 42}', '[]'];
    for (const body of bodies) {
      const r = await d.api({ method: 'POST', path: '/v1.50/containers/create', body });
      assert.equal(r.status, 400, `body ${JSON.stringify(body)} -> ${r.status} ${r.body}`);
      const msg = r.json<{ message?: unknown }>().message;
      assert.equal(typeof msg, 'string', r.body);
      assert.ok((msg as string).length > 0);
    }
    const ping = await d.api({ path: '/_ping' });
    assert.equal(ping.status, 200);
    assert.equal(ping.body.trim(), 'OK');
    assert.equal(ok(await d.docker(['run', '--rm', 'busybox', 'echo', 'still-alive'])), 'still-alive\n');
  });

  it('an unknown endpoint is a 404 with a JSON message', async () => {
    const r = await d.api({ path: '/v1.50/no/such/endpoint' });
    assert.equal(r.status, 404, r.body);
    assert.equal(typeof r.json<{ message?: unknown }>().message, 'string');
  });

  it('a 4 MiB garbage body does not crash the daemon or create a container', async () => {
    await d.api({ method: 'POST', path: '/v1.50/containers/create?name=big', body: Buffer.alloc(4 << 20, 0x7b) }).catch(() => undefined);
    const r = await d.api({ path: '/_ping' });
    assert.equal(r.status, 200);
    fails(await d.docker(['inspect', 'big']));
  });
});
