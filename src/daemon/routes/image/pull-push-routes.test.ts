import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer, fakeBackend } from '../../server/testing/index.js';
import { openConnection } from '../../server/testing/inject.js';

async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'timed out');
}
import { addImageRoutes } from './routes.js';
import type { ImageBackend } from './backend.js';
import { NotFoundError } from '../../../lib/errors/index.js';

describe('pull, push and auth routes with a fake backend', () => {
  const seen: Array<Record<string, unknown>> = [];
  let floodDone = false;
  const backend = fakeBackend<ImageBackend>({
    async imagePull(opts) {
      seen.push({ fromImage: opts.fromImage, tag: opts.tag, platform: opts.platform, auth: opts.auth });
      if (opts.fromImage === 'flood') {
        return {
          async run(progress) {
            // Far more counts than a socket buffer holds, sent while the client reads nothing.
            for (let i = 1; i <= 200_000; i++) progress({ status: 'Downloading', progressDetail: { current: i, total: 200_000 }, id: 'abc' });
            progress({ status: 'Status: Downloaded newer image for flood:latest' });
            floodDone = true;
          },
        };
      }
      if (opts.fromImage === 'missing') throw new NotFoundError("pull access denied for missing, repository does not exist or may require 'docker login'");
      return {
        async run(progress) {
          progress({ status: 'Pulling from library/x', id: 'latest' });
          if (opts.tag === 'fails') throw new Error('filesystem layer verification failed for digest sha256:x');
          progress({ status: 'Status: Downloaded newer image for x:latest' });
        },
      };
    },
    imagePush(opts) {
      seen.push({ name: opts.name, tag: opts.tag, auth: opts.auth });
      return { async run(progress) { progress({ status: '1: digest: sha256:x size: 1' }); } };
    },
    async login(body) {
      seen.push({ login: body });
      return { Status: 'Login Succeeded' };
    },
  });
  const t = new TestApiServer((r) => addImageRoutes(r, backend));
  after(() => t.close());

  it('streams a pull as JSON lines, with X-Registry-Auth and platform passed on', async () => {
    seen.length = 0;
    const r = await t.request({ method: 'POST', path: '/v1.50/images/create?fromImage=x&tag=latest&platform=linux%2Famd64', headers: { 'X-Registry-Auth': 'e30=' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.text, '{"status":"Pulling from library/x","id":"latest"}\r\n{"status":"Status: Downloaded newer image for x:latest"}\r\n');
    assert.deepEqual(seen, [{ fromImage: 'x', tag: 'latest', platform: 'linux/amd64', auth: 'e30=' }]);
  });

  it('answers an error before the stream with its status, and one after it in the stream', async () => {
    const missing = await t.request({ method: 'POST', path: '/images/create?fromImage=missing&tag=latest' });
    assert.equal(missing.status, 404);
    assert.match(missing.json<{ message: string }>().message, /^pull access denied for missing/);
    const failed = await t.request({ method: 'POST', path: '/images/create?fromImage=x&tag=fails' });
    assert.equal(failed.status, 200);
    const last = JSON.parse(failed.text.trim().split('\r\n').at(-1)!) as unknown;
    assert.deepEqual(last, { errorDetail: { message: 'filesystem layer verification failed for digest sha256:x' }, error: 'filesystem layer verification failed for digest sha256:x' });
  });

  it('a client that does not read gets the newest counts, not a queue of every one', async () => {
    const client = openConnection(t.server);
    client.pause();
    client.write('POST /images/create?fromImage=flood&tag=latest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await waitUntil(() => floodDone);
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    client.resume();
    await new Promise((r) => client.once('end', r));
    client.destroy();
    const text = Buffer.concat(chunks).toString();
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    const counts = [...body.matchAll(/"current":(\d+)/g)].map((m) => Number(m[1]));
    assert.ok(counts.length < 10_000, `${counts.length} count lines reached the client`);
    assert.equal(counts.at(-1), 200_000);
    assert.match(body, /Status: Downloaded newer image for flood:latest/);
  });

  it('pushes a name with slashes and a port, and checks logins', async () => {
    seen.length = 0;
    const r = await t.request({ method: 'POST', path: '/images/127.0.0.1:5000/a/b/push?tag=1', headers: { 'X-Registry-Auth': 'abc' } });
    assert.equal(r.status, 200);
    assert.deepEqual(seen, [{ name: '127.0.0.1:5000/a/b', tag: '1', auth: 'abc' }]);
    const login = await t.request({ method: 'POST', path: '/auth', body: { username: 'u', password: 'p', serveraddress: 'r:5000' } });
    assert.equal(login.status, 200);
    assert.deepEqual(login.json(), { Status: 'Login Succeeded' });
  });
});
