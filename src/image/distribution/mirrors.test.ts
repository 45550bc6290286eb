import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../lib/errors/index.js';
import { RegistryClient } from './client.js';
import { mirrorEndpoint } from './endpoint.js';
import { withMirrors } from './mirrors.js';

describe('withMirrors', () => {
  it('tries the mirrors in order, then Docker Hub, and stops at the first that serves', async () => {
    const tried: string[] = [];
    const got = await withMirrors('docker.io', ['http://a/', 'http://b/p/'], async (e) => {
      tried.push(e ? e.base.href : 'hub');
      if (e?.base.href === 'http://a/') throw new Error('down');
      return 'ok';
    });
    assert.equal(got, 'ok');
    assert.deepEqual(tried, ['http://a/', 'http://b/p/']);
  });

  it('only docker.io references go to mirrors', async () => {
    const tried: Array<string | undefined> = [];
    await withMirrors('127.0.0.1:5000', ['http://a/'], async (e) => { tried.push(e?.base.href); });
    assert.deepEqual(tried, [undefined]);
  });

  it('when all fail, Docker Hub\'s error keeps its kind and names what the mirrors said', async () => {
    await assert.rejects(withMirrors('docker.io', ['http://a/'], async (e) => {
      if (e) throw new NotFoundError('manifest for busybox:latest not found: manifest unknown');
      throw new NotFoundError('Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host');
    }), (err: Error) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.message, 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host (mirror http://a/: manifest for busybox:latest not found: manifest unknown)');
      return true;
    });
  });

  it('a mirror\'s path prefix is kept in front of the API paths; absolute upload URLs are left alone', () => {
    const c = new RegistryClient(mirrorEndpoint('http://m.example/prefix/'));
    assert.equal(c.url('/v2/library/busybox/manifests/latest').href, 'http://m.example/prefix/v2/library/busybox/manifests/latest');
    assert.equal(c.url('http://m.example/v2/x/blobs/uploads/1').href, 'http://m.example/v2/x/blobs/uploads/1');
    assert.equal(new RegistryClient(mirrorEndpoint('http://m.example/')).url('/v2/').href, 'http://m.example/v2/');
  });
});
