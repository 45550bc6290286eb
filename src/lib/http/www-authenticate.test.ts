import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseWwwAuthenticate, preferredChallenge } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a Bearer challenge as Docker Hub sends it', () => {
    assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
  });
  it('reads Basic, unquoted values, escapes and commas inside quotes', () => {
    assert.deepEqual(parseWwwAuthenticate('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    assert.deepEqual(parseWwwAuthenticate('bearer realm=http://h/t, scope="repository:a:pull,push", error="a\\"b"'), [
      { scheme: 'bearer', params: { realm: 'http://h/t', scope: 'repository:a:pull,push', error: 'a"b' } },
    ]);
  });
  it('splits several challenges in one header', () => {
    const got = parseWwwAuthenticate('Basic realm="x", Bearer realm="https://t/",service="s"');
    assert.deepEqual(got.map((c) => c.scheme), ['basic', 'bearer']);
    assert.equal(got[1]!.params.service, 's');
  });
  it('gives nothing for garbage', () => {
    assert.deepEqual(parseWwwAuthenticate(''), []);
    assert.deepEqual(parseWwwAuthenticate('=x'), []);
  });
});

describe('preferredChallenge', () => {
  it('answers Bearer before Basic, across one header or several', () => {
    assert.equal(preferredChallenge('Basic realm="x", Bearer realm="https://t/"')?.scheme, 'bearer');
    assert.equal(preferredChallenge(['Basic realm="x"', 'Bearer realm="https://t/"'])?.params.realm, 'https://t/');
    assert.equal(preferredChallenge('Basic realm="x"')?.scheme, 'basic');
  });
  it('answers nothing for a missing header or schemes it cannot answer', () => {
    assert.equal(preferredChallenge(undefined), undefined);
    assert.equal(preferredChallenge('Negotiate abc'), undefined);
  });
});
