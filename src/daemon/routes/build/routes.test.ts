import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer } from '../../server/testing/index.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import { addBuildRoutes } from './routes.js';
import type { BuildOptions } from '../../../api/build.js';
import type { BuildRouteBackend } from './backend.js';

describe('build routes', () => {
  let seen: BuildOptions | undefined;
  let body = '';
  const backend: BuildRouteBackend = {
    async imageBuild(context, req) {
      seen = req;
      body = '';
      for await (const c of context) body += (c as Buffer).toString();
      if (req.dockerfile === 'Bad') throw new InvalidArgumentError('dockerfile parse error on line 2: unknown instruction: NOPE');
      return {
        async run(send) {
          send({ stream: 'Step 1/1 : RUN false\n' });
          if (req.target === 'fail') throw Object.assign(new Error("The command '/bin/sh -c false' returned a non-zero code: 7"), { exitCode: 7 });
          send({ aux: { ID: 'sha256:aa' } });
          return 'sha256:aa';
        },
      };
    },
    async buildPrune() {
      return { CachesDeleted: null, SpaceReclaimed: 0 };
    },
  };
  const t = new TestApiServer((r) => addBuildRoutes(r, backend));
  after(() => t.close());

  it('reads the query the docker CLI sends and streams the build', async () => {
    const q = new URLSearchParams([['t', 'a:1'], ['t', 'b'], ['buildargs', '{"X":"1","Y":null}'], ['labels', '{"l":"v"}'], ['nocache', '1'], ['pull', '1'], ['rm', '0'], ['q', '1'], ['networkmode', 'default'], ['dockerfile', 'sub/Dockerfile']]);
    const r = await t.request({ method: 'POST', path: `/v1.50/build?${q}`, body: Buffer.from('TARBYTES') });
    assert.equal(r.status, 200, r.text);
    assert.equal(body, 'TARBYTES');
    assert.deepEqual({ ...seen, signal: undefined }, {
      tags: ['a:1', 'b'], dockerfile: 'sub/Dockerfile', buildArgs: { X: '1', Y: null }, target: undefined, noCache: true, pull: true,
      rm: false, quiet: true, labels: { l: 'v' }, networkMode: 'bridge', auth: undefined, signal: undefined,
    });
    assert.deepEqual(r.text.trim().split('\r\n').map((l) => JSON.parse(l)), [{ stream: 'Step 1/1 : RUN false\n' }, { aux: { ID: 'sha256:aa' } }]);
  });

  it('answers errors found before the build with a status, later ones in the stream with the exit code', async () => {
    const bad = await t.request({ method: 'POST', path: '/build?dockerfile=Bad', body: Buffer.from('x') });
    assert.equal(bad.status, 400);
    assert.equal(bad.json<{ message: string }>().message, 'dockerfile parse error on line 2: unknown instruction: NOPE');
    const failed = await t.request({ method: 'POST', path: '/build?target=fail', body: Buffer.from('x') });
    assert.equal(failed.status, 200);
    const last = JSON.parse(failed.text.trim().split('\r\n').pop()!);
    assert.deepEqual(last.errorDetail, { code: 7, message: "The command '/bin/sh -c false' returned a non-zero code: 7" });
    for (const [query, message] of [
      ['buildargs=%7Bx', /invalid buildargs/],
      ['labels=%7B%22a%22%3A1%7D', /invalid labels: the value of "a" is not a string/],
      ['squash=1', /squash is only supported with experimental mode/],
    ] as const) {
      const r = await t.request({ method: 'POST', path: `/build?${query}`, body: Buffer.from('x') });
      assert.equal(r.status, 400, query);
      assert.match(r.json<{ message: string }>().message, message);
    }
  });

  it('prunes the cache, checking filters as Docker does', async () => {
    const ok = await t.request({ method: 'POST', path: `/build/prune?filters=${encodeURIComponent('{"label":["a=b"]}')}` });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json(), { CachesDeleted: null, SpaceReclaimed: 0 });
    const bad = await t.request({ method: 'POST', path: `/build/prune?filters=${encodeURIComponent('{"bogus":["x"]}')}` });
    assert.equal(bad.status, 400);
    assert.equal(bad.json<{ message: string }>().message, "invalid filter 'bogus'");
  });
});
