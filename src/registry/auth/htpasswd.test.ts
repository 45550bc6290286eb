import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { Htpasswd, parseHtpasswd } from './htpasswd.js';
import { SuccessCache } from './success-cache.js';

const hashOf = (pw: string, cost = 4): string => bcrypt.hashSync(pw, cost);

/** An htpasswd whose compares are counted (and still real bcrypt). */
async function counted(text: string, cache?: SuccessCache): Promise<{ ht: Htpasswd; calls: () => number }> {
  let n = 0;
  const ht = await Htpasswd.fromText(text, 'test', { cache, compare: (p, h) => { n++; return bcrypt.compare(p, h); } });
  return { ht, calls: () => n };
}

describe('htpasswd', () => {
  it('reads bcrypt entries in every prefix, skipping blank lines and comments', () => {
    const a = hashOf('a').replace(/^\$2b\$/, '$2y$');
    const b = hashOf('b').replace(/^\$2b\$/, '$2a$');
    const c = hashOf('c');
    const m = parseHtpasswd(`# accounts\nalice:${a}\r\n\n  bob:${b}\ncarol:${c}\n`);
    assert.deepEqual([...m.keys()], ['alice', 'bob', 'carol']);
    assert.equal(m.get('alice'), a);
  });

  it('refuses other schemes, bad lines, absurd costs and duplicates, naming the line', () => {
    const cases: Array<[string, RegExp]> = [
      ['u:$apr1$abcdefgh$0123456789abcdefghijkl', /test:1: the entry for "u" is not a bcrypt hash; only bcrypt is accepted/],
      ['u:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', /not a bcrypt hash/],
      ['u:plaintext', /not a bcrypt hash/],
      ['u:abJnggxhB/yWI', /not a bcrypt hash/],
      ['no colon here', /test:1: not "user:hash"/],
      [`\nu:${hashOf('x').replace('$04$', '$31$')}`, /test:2: bcrypt cost 31 for "u" is outside 4\.\.14/],
      [`u:${hashOf('x')}\nu:${hashOf('y')}`, /test:2: account "u" appears twice/],
    ];
    for (const [text, re] of cases) assert.throws(() => parseHtpasswd(text, 'test'), re, text);
  });

  it('checks passwords; an unknown account still pays one compare', async () => {
    const { ht, calls } = await counted(`alice:${hashOf('secret')}\n`);
    assert.equal(await ht.check('alice', 'secret'), true);
    assert.equal(await ht.check('alice', 'wrong'), false);
    const before = calls();
    assert.equal(await ht.check('mallory', 'secret'), false);
    assert.equal(calls(), before + 1, 'unknown accounts are compared against a dummy hash');
    assert.equal(await ht.check('alice', 'x'.repeat(5000)), false);
  });

  it('remembers successes only, so repeated logins skip bcrypt and wrong passwords never do', async () => {
    const { ht, calls } = await counted(`alice:${hashOf('secret')}\n`);
    assert.equal(await ht.check('alice', 'secret'), true);
    const n = calls();
    for (let i = 0; i < 10; i++) assert.equal(await ht.check('alice', 'secret'), true);
    assert.equal(calls(), n, 'ten more checks, no bcrypt');
    assert.equal(await ht.check('alice', 'Secret'), false);
    assert.equal(await ht.check('alice', 'Secret'), false);
    assert.equal(calls(), n + 2, 'failures are not cached');
  });
});

describe('htpasswd under a flood of logins', () => {
  it('runs a bounded number of bcrypts at once and refuses beyond its queue with TOOMANYREQUESTS', async () => {
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const ht = await Htpasswd.fromText(`alice:${hashOf('secret')}\n`, 'test', {
      maxRunning: 2,
      maxWaiting: 3,
      compare: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((ok) => releases.push(ok));
        running--;
        return false;
      },
    });
    const checks = Array.from({ length: 6 }, (_, i) => ht.check('alice', `wrong${i}`).then((v) => v, (e: Error) => e));
    await new Promise((r) => setImmediate(r));
    const settled = await Promise.race([checks[5]!, new Promise((r) => setTimeout(() => r('pending'), 50))]);
    assert.match(String((settled as Error).message), /too many logins at once/);
    while (releases.length > 0 || running > 0) {
      releases.splice(0).forEach((ok) => ok());
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(checks.slice(0, 5));
    assert.deepEqual(results, [false, false, false, false, false]);
    assert.equal(peak, 2);
  });
});

describe('success cache', () => {
  it('forgets after its time and holds at most its size, oldest out first', () => {
    let now = 1000;
    const c = new SuccessCache({ ttlMs: 100, maxEntries: 3, now: () => now });
    c.add('a', 'p', 'h');
    assert.ok(c.has('a', 'p', 'h'));
    assert.ok(!c.has('a', 'p', 'other-hash'), 'a changed hash does not match');
    now += 101;
    assert.ok(!c.has('a', 'p', 'h'), 'expired');
    for (const u of ['u1', 'u2', 'u3', 'u4']) c.add(u, 'p', 'h');
    assert.equal(c.size, 3);
    assert.ok(!c.has('u1', 'p', 'h'));
    assert.ok(c.has('u4', 'p', 'h'));
  });
});
