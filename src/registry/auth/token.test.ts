import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { grantedActions, grantsCatalog, TokenSigner } from './token.js';

const key = randomBytes(32);
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function signer(opts: Partial<{ key: Buffer; service: string; issuer: string; now: () => number }> = {}): TokenSigner {
  return new TokenSigner({ key: opts.key ?? key, issuer: opts.issuer ?? 'iss', service: opts.service ?? 'svc', expirySeconds: 300, now: opts.now });
}

/** A token with any header and claims, signed with `k`. */
function forge(header: unknown, claims: unknown, k = key): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', k).update(input).digest('base64url')}`;
}

describe('registry tokens', () => {
  it('round-trip with their grants', () => {
    const s = signer();
    const t = s.issue('alice', [{ type: 'repository', name: 'a/b', actions: ['pull', 'push'] }, { type: 'registry', name: 'catalog', actions: ['*'] }]);
    assert.equal(t.expiresIn, 300);
    const r = s.verify(t.token);
    assert.ok(r.ok);
    assert.equal(r.claims.sub, 'alice');
    assert.deepEqual([...grantedActions(r.claims, 'a/b')], ['pull', 'push']);
    assert.deepEqual([...grantedActions(r.claims, 'a/c')], []);
    assert.ok(grantsCatalog(r.claims));
    const anon = s.verify(s.issue(undefined, []).token);
    assert.ok(anon.ok && anon.claims.sub === '');
  });

  it('refuse a bad signature, another key, alg none or another algorithm', () => {
    const s = signer();
    const t = s.issue('alice', []).token;
    const flipped = t.slice(0, -2) + (t.at(-2) === 'A' ? 'B' : 'A') + t.at(-1)!;
    const why = (tok: string): string => { const r = s.verify(tok); return r.ok ? 'ok' : r.why; };
    assert.equal(why(flipped), 'invalid token signature');
    assert.equal(why(signer({ key: randomBytes(32) }).issue('alice', []).token), 'invalid token signature');
    const claims = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const admin = { ...claims, access: [{ type: 'repository', name: 'x', actions: ['push'] }] };
    assert.equal(why(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(admin)}.`), 'malformed token');
    assert.equal(why(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(admin)}.c2ln`), 'unsupported token algorithm');
    assert.equal(why(forge({ alg: 'HS512' }, admin)), 'unsupported token algorithm');
    assert.equal(why(forge({ alg: 'RS256', jwk: { kty: 'oct', k: 'x' } }, admin, randomBytes(32))), 'unsupported token algorithm');
    assert.equal(why(`${t.split('.')[0]}.${b64(admin)}.${t.split('.')[2]}`), 'invalid token signature');
  });

  it('refuse expired, not yet valid, other audience, other issuer and malformed tokens', () => {
    let now = Date.now();
    const s = signer({ now: () => now });
    const t = s.issue('alice', []).token;
    now += 301_000 + 5_000;
    assert.deepEqual(s.verify(t), { ok: false, why: 'token expired' });
    now -= 2 * 3600_000;
    assert.deepEqual(s.verify(t), { ok: false, why: 'token not yet valid' });
    now = Date.now();
    assert.deepEqual(signer({ service: 'other' }).verify(t), { ok: false, why: 'token is for another service' });
    assert.deepEqual(signer({ issuer: 'other' }).verify(t), { ok: false, why: 'token from another issuer' });
    for (const bad of ['', 'a.b', 'a.b.c.d', '!!.@@.##', `${b64('x')}.${b64('y')}.zz`, 'x'.repeat(20_000)]) {
      assert.equal(s.verify(bad).ok, false, bad.slice(0, 20));
    }
    assert.deepEqual(s.verify(forge({ alg: 'HS256' }, { exp: 'never', nbf: 0, access: [] })), { ok: false, why: 'malformed token claims' });
  });

  it('want a key of 32 bytes or more', () => {
    assert.throws(() => signer({ key: randomBytes(16) }), /at least 32 bytes/);
  });
});
