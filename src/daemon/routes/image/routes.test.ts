import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer, fakeBackend } from '../../server/testing/index.js';
import { addImageRoutes } from './routes.js';
import type { ImageBackend } from './backend.js';
import { Readable } from 'node:stream';
import { InvalidArgumentError, NotFoundError } from '../../../lib/errors/index.js';

describe('image routes with a fake backend', () => {
  const versions: string[] = [];
  const backend = fakeBackend<ImageBackend>({
    imageInspect(ref, apiVersion) {
      versions.push(apiVersion);
      if (ref !== 'library/busybox:latest') throw new NotFoundError(`No such image: ${ref}`);
      return { Id: 'sha256:1' };
    },
    imageList(opts) {
      versions.push(opts.apiVersion);
      return [];
    },
    async imageSave(names) {
      if (names.includes('nosuch')) throw new NotFoundError('No such image: nosuch:latest');
      return Readable.from([Buffer.from(`archive of ${names.join(',')}`)]);
    },
    async imageLoad(source, opts) {
      let body = '';
      for await (const c of source) body += String(c);
      if (body === 'refused') throw new InvalidArgumentError('invalid archive: no manifest.json or index.json');
      if (!opts.quiet) opts.send({ status: 'Loading layer', progressDetail: { current: 1, total: 1 }, id: 'abc' });
      if (body === 'late') throw new InvalidArgumentError('failed to load image x:1: layer 0 does not match the image config');
      opts.send({ stream: 'Loaded image: x:1\n' });
    },
  });
  const t = new TestApiServer((r) => addImageRoutes(r, backend));
  after(() => t.close());

  it('hands the request\'s API version to the backend', async () => {
    versions.length = 0;
    assert.equal((await t.request('/v1.41/images/library/busybox:latest/json')).status, 200);
    assert.equal((await t.request('/images/library/busybox:latest/json')).status, 200);
    assert.equal((await t.request('/v1.44/images/json')).status, 200);
    assert.deepEqual(versions, ['1.41', '1.50', '1.44']);
  });

  it('answers a missing image with 404 and Docker\'s message', async () => {
    const r = await t.request('/images/nosuch/json');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { message: 'No such image: nosuch' });
  });

  it('streams a save of several names, and answers an unknown one with 404 before any byte', async () => {
    const r = await t.request('/v1.41/images/get?names=a:1&names=b');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/x-tar');
    assert.equal(r.text, 'archive of a:1,b');
    assert.equal((await t.request('/images/library/busybox:latest/get')).text, 'archive of library/busybox:latest');
    const missing = await t.request('/images/get?names=nosuch');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { message: 'No such image: nosuch:latest' });
  });

  it('load: a refused archive gets a real status; after the first message, errors go in the stream', async () => {
    const refused = await t.request({ method: 'POST', path: '/images/load', body: 'refused' });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.json(), { message: 'invalid archive: no manifest.json or index.json' });
    const good = await t.request({ method: 'POST', path: '/images/load?quiet=1', body: 'ok' });
    assert.equal(good.status, 200);
    assert.equal(good.headers['content-type'], 'application/json');
    assert.deepEqual(good.text.trim().split('\r\n').map((l) => JSON.parse(l) as unknown), [{ stream: 'Loaded image: x:1\n' }]);
    const late = await t.request({ method: 'POST', path: '/images/load', body: 'late' });
    assert.equal(late.status, 200);
    const msgs = late.text.trim().split('\r\n').map((l) => JSON.parse(l) as { error?: string });
    assert.equal(msgs[0]!.error, undefined);
    assert.equal(msgs.at(-1)!.error, 'failed to load image x:1: layer 0 does not match the image config');
  });
});
