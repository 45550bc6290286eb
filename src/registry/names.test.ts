import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorResponse } from './errors.js';
import { checkDigest, isRepositoryName, isTag } from './names.js';

describe('registry names', () => {
  it('accept repository names of the spec grammar only', () => {
    for (const ok of ['a', 'library/busybox', 'a.b/c_d/e__f/g-h/i--j', 'x0/1y']) assert.ok(isRepositoryName(ok), ok);
    for (const bad of ['', 'A', 'a/', '/a', 'a//b', 'a/../b', '..', 'a/.b', 'a/_b', 'a_', 'a___b', 'a:b', 'a%2Fb', `${'a'.repeat(256)}`]) {
      assert.ok(!isRepositoryName(bad), bad);
    }
  });

  it('accept tags of up to 128 characters', () => {
    assert.ok(isTag('v1.0_RC-2'));
    assert.ok(isTag('t'.repeat(128)));
    for (const bad of ['', '.x', '-x', 't'.repeat(129), 'a/b', 'a:b']) assert.ok(!isTag(bad), bad);
  });

  it('check digests: sha256 and sha512 pass, other algorithms are unsupported, garbage is invalid', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    assert.equal(checkDigest(d), d);
    const d512 = `sha512:${'b'.repeat(128)}`;
    assert.equal(checkDigest(d512), d512);
    const code = (s: string | null) => { try { checkDigest(s); return 'ok'; } catch (err) { return errorResponse(err).code; } };
    assert.equal(code(`sha384:${'a'.repeat(96)}`), 'UNSUPPORTED');
    assert.equal(code(`blake3:${'a'.repeat(64)}`), 'UNSUPPORTED');
    for (const bad of [null, '', 'sha256:abc', `sha256:${'A'.repeat(64)}`, '../x', `sha256:${'a'.repeat(64)}/..`, `sha512:${'a'.repeat(64)}`, `sha512:${'a'.repeat(129)}`]) {
      assert.equal(code(bad), 'DIGEST_INVALID', String(bad));
    }
  });
});
