import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuthorization } from './credentials.js';

const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('authorization header', () => {
  it('reads basic and bearer credentials; a password may hold colons', () => {
    assert.deepEqual(parseAuthorization(undefined), { scheme: 'none' });
    assert.deepEqual(parseAuthorization(basic('alice:pa:ss')), { scheme: 'basic', user: 'alice', password: 'pa:ss' });
    assert.deepEqual(parseAuthorization('bearer abc.def.ghi'), { scheme: 'bearer', token: 'abc.def.ghi' });
  });

  it('calls malformed, foreign and huge headers invalid instead of throwing', () => {
    const cases: Array<[string, string]> = [
      ['Basic !!!!', 'malformed basic credentials'],
      ['Basic YWxpY2U', 'malformed basic credentials'],
      [basic('nocolon'), 'malformed basic credentials'],
      [basic(':pw'), 'malformed basic credentials'],
      ['Digest username="x"', 'unsupported authorization scheme "Digest"'],
      ['Basic a b', 'malformed authorization header'],
      ['Negotiate abc', 'unsupported authorization scheme "Negotiate"'],
      ['Basic', 'malformed authorization header'],
      [`Bearer ${'a'.repeat(20_000)}`, 'authorization header too large'],
    ];
    for (const [h, why] of cases) assert.deepEqual(parseAuthorization(h), { scheme: 'invalid', why }, h.slice(0, 30));
  });
});
