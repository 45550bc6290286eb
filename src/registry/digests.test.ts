import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { algorithmOf, digestFileName, digestFromFileName, digestOf, isRegistryDigest } from './digests.js';

describe('registry digests', () => {
  const data = Buffer.from('hello');
  const d256 = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const d512 = `sha512:${createHash('sha512').update(data).digest('hex')}`;

  it('compute and recognise sha256 and sha512', () => {
    assert.equal(digestOf('sha256', data), d256);
    assert.equal(digestOf('sha512', data), d512);
    assert.ok(isRegistryDigest(d256) && isRegistryDigest(d512));
    assert.equal(algorithmOf(d512), 'sha512');
    assert.ok(!isRegistryDigest(`sha512:${d256.slice(7)}`), 'a sha256-long hex is no sha512');
  });

  it('name files by the hex alone and tell the algorithm back by its length', () => {
    assert.equal(digestFileName(d256), d256.slice(7));
    assert.equal(digestFromFileName(digestFileName(d256)), d256);
    assert.equal(digestFromFileName(digestFileName(d512)), d512);
    for (const junk of ['', 'x', '.gc-abc', d256, `${d256.slice(7)}0`]) assert.equal(digestFromFileName(junk), undefined, junk);
    assert.throws(() => digestFileName('sha256:../../x'));
  });
});
