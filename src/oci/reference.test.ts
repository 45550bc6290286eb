import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../lib/errors/index.js';
import { chainIds, sha256Digest } from './digest.js';
import { canonicalString, familiarString, familiarTagged, parseNamedReference, parseReference, withDefaultTag } from './reference.js';

describe('parseReference', () => {
  const cases: Array<[string, string, string, string | undefined]> = [
    ['busybox', 'docker.io', 'library/busybox', undefined],
    ['busybox:1.36', 'docker.io', 'library/busybox', '1.36'],
    ['docker.io/library/busybox:latest', 'docker.io', 'library/busybox', 'latest'],
    ['index.docker.io/me/app', 'docker.io', 'me/app', undefined],
    ['localhost:5000/app:v1', 'localhost:5000', 'app', 'v1'],
    ['localhost/app', 'localhost', 'app', undefined],
    ['registry.example.com/a/b/c', 'registry.example.com', 'a/b/c', undefined],
    ['my_app-x.y__z', 'docker.io', 'library/my_app-x.y__z', undefined],
  ];
  for (const [ref, domain, path, tag] of cases) {
    it(`parses ${ref}`, () => {
      const r = parseReference(ref);
      assert.equal(r.domain, domain);
      assert.equal(r.path, path);
      assert.equal(r.tag, tag);
    });
  }

  it('gives docker\'s familiar names', () => {
    assert.equal(parseReference('docker.io/library/busybox').familiarName, 'busybox');
    assert.equal(parseReference('docker.io/me/app').familiarName, 'me/app');
    assert.equal(parseReference('localhost:5000/app').familiarName, 'localhost:5000/app');
    assert.equal(familiarTagged(parseNamedReference('busybox')), 'busybox:latest');
  });

  it('parses digests', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    const r = parseReference(`busybox@${d}`);
    assert.equal(r.digest, d);
    assert.equal(parseNamedReference(`busybox@${d}`).tag, undefined);
  });

  for (const bad of ['', 'UPPER', 'a/B', 'busybox:', ':tag', 'a//b', '-a', 'a-', 'busybox:-x', 'bad@sha256:12', 'a b', '../x', `busybox:${'t'.repeat(129)}`]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseReference(bad), (e: unknown) => isInvalidArgument(e) && /invalid reference format/.test((e as Error).message));
    });
  }

  it('prints the forms the CLI needs: familiar with a default tag, and canonical to pull by', () => {
    const d = `sha256:${'b'.repeat(64)}`;
    assert.equal(familiarString(withDefaultTag(parseReference('docker.io/library/busybox'))), 'busybox:latest');
    assert.equal(familiarString(withDefaultTag(parseReference(`me/app@${d}`))), `me/app@${d}`);
    assert.equal(familiarString(parseReference(`localhost:5000/app:v1@${d}`)), `localhost:5000/app:v1@${d}`);
    assert.equal(canonicalString(withDefaultTag(parseReference('busybox'))), 'docker.io/library/busybox:latest');
    assert.equal(canonicalString(parseReference('me/app:2')), 'docker.io/me/app:2');
    assert.equal(canonicalString(parseReference('registry.example.com:443/a/b')), 'registry.example.com:443/a/b');
    const r = parseReference('localhost:5000/me/bb:v1');
    assert.deepEqual([r.familiarName, r.tag], ['localhost:5000/me/bb', 'v1']);
  });

  it('refuses 64-hex repository names as docker does', () => {
    assert.throws(() => parseNamedReference('a'.repeat(64)), /cannot specify 64-byte hexadecimal strings/);
  });
});

describe('chainIds', () => {
  it('follows the OCI definition', () => {
    const d0 = `sha256:${'0'.repeat(64)}`;
    const d1 = `sha256:${'1'.repeat(64)}`;
    const d2 = `sha256:${'2'.repeat(64)}`;
    const c1 = sha256Digest(`${d0} ${d1}`);
    assert.deepEqual(chainIds([d0, d1, d2]), [d0, c1, sha256Digest(`${c1} ${d2}`)]);
    assert.deepEqual(chainIds([]), []);
  });
});
