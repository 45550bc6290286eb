// The berth registry with auth on, over HTTP: htpasswd Basic auth and the token flow with its
// challenges, grants, refusals and hostile inputs; the mount rules; the access log; and TLS.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { skipReason } from '../../helpers/prereq.js';
import { tmpParent } from '../../helpers/paths.js';
import {
  basicAuth, htpasswdLine, http, makeImage, pushBlob, pushImage, selfSignedCert, sha256, startRegistry,
  type HttpResult, type Registry, type TestImage,
} from '../../helpers/registry.js';

const code = (r: HttpResult): string | undefined => r.json<{ errors: Array<{ code: string }> }>().errors[0]?.code;
const message = (r: HttpResult): string | undefined => r.json<{ errors: Array<{ message: string }> }>().errors[0]?.message;
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('registry: auth', { skip: skipReason({ cli: true, binaries: ['openssl'] }) }, () => {
  let dir: string;
  let basic: Registry;
  let token: Registry;
  let tls: Registry;
  let img: TestImage;
  let pem: Buffer;
  const key = randomBytes(32);
  const alice = basicAuth('alice', 'secret');
  const bob = basicAuth('bob', 'hunter2');

  before(async () => {
    dir = await mkdtemp(join(tmpParent, 'bregauth-'));
    await writeFile(join(dir, 'htpasswd'), `${await htpasswdLine('alice', 'secret')}\n${await htpasswdLine('bob', 'hunter2')}\n`);
    await writeFile(join(dir, 'token.key'), key);
    const access = [
      '  access:',
      '    - { account: alice, repository: "*", actions: [pull, push, delete] }',
      '    - { account: alice, catalog: true }',
      '    - { account: "*", repository: "${account}/*", actions: [pull, push] }',
    ];
    await writeFile(join(dir, 'basic.yaml'), ['auth:', '  htpasswd: { path: htpasswd, realm: test realm }', ...access].join('\n'));
    await writeFile(join(dir, 'token.yaml'), ['auth:', '  htpasswd: { path: htpasswd }', '  token: { service: test-svc, issuer: test-iss, key: token.key }', ...access].join('\n'));
    const cert = await selfSignedCert(join(dir, 'certs'));
    pem = cert.pem;
    [basic, token, tls, img] = await Promise.all([
      startRegistry({ args: ['--config', join(dir, 'basic.yaml')] }),
      startRegistry({ args: ['--config', join(dir, 'token.yaml')] }),
      startRegistry({ args: ['--config', join(dir, 'token.yaml'), '--tls-cert', cert.cert, '--tls-key', cert.key], tls: true }),
      makeImage([1000, 2000]),
    ]);
  });
  after(async () => {
    await Promise.all([basic?.cleanup(), token?.cleanup(), tls?.cleanup()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A token from the registry's endpoint, as a header value. */
  async function bearer(reg: Registry, creds: string | undefined, ...scopes: string[]): Promise<string> {
    const q = new URLSearchParams({ service: 'test-svc' });
    for (const s of scopes) q.append('scope', s);
    const r = await http('GET', `${reg.url}/token?${q.toString()}`, { headers: creds ? { Authorization: creds } : {}, ca: pem });
    assert.equal(r.status, 200, r.body.toString());
    return `Bearer ${r.json<{ token: string }>().token}`;
  }

  describe('htpasswd', () => {
    it('challenges /v2/ with Basic and lets a right password in', async () => {
      const r = await http('GET', `${basic.url}/v2/`);
      assert.equal(r.status, 401);
      assert.equal(r.headers['www-authenticate'], 'Basic realm="test realm"');
      assert.equal(code(r), 'UNAUTHORIZED');
      assert.equal((await http('GET', `${basic.url}/v2/`, { headers: { Authorization: alice } })).status, 200);
      const wrong = await http('GET', `${basic.url}/v2/`, { headers: { Authorization: basicAuth('alice', 'nope') } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers['www-authenticate'], 'Basic realm="test realm"');
      assert.equal((await http('GET', `${basic.url}/v2/`, { headers: { Authorization: basicAuth('mallory', 'secret') } })).status, 401);
    });

    it('pushes and pulls with credentials, refuses without, and DENIES what the account may not do', async () => {
      assert.equal((await pushImage(basic.url, 'alice/app', img, 'v1', { Authorization: alice })).status, 201);
      assert.equal((await http('GET', `${basic.url}/v2/alice/app/manifests/v1`)).status, 401);
      const got = await http('GET', `${basic.url}/v2/alice/app/manifests/v1`, { headers: { Authorization: bob } });
      assert.equal(got.status, 403);
      assert.equal(code(got), 'DENIED');
      assert.equal((await http('GET', `${basic.url}/v2/alice/app/manifests/v1`, { headers: { Authorization: alice } })).status, 200);
      assert.equal((await pushBlob(basic.url, 'bob/x', img.config, { Authorization: bob })).status, 201);
      assert.equal((await http('DELETE', `${basic.url}/v2/bob/x/blobs/${sha256(img.config)}`, { headers: { Authorization: bob } })).status, 403);
      assert.equal((await http('GET', `${basic.url}/v2/_catalog`, { headers: { Authorization: bob } })).status, 403);
      const cat = await http('GET', `${basic.url}/v2/_catalog`, { headers: { Authorization: alice } });
      assert.deepEqual(cat.json(), { repositories: ['alice/app', 'bob/x'] });
    });

    it('answers malformed and huge Authorization headers with a plain 401', async () => {
      for (const h of ['Basic %%%notbase64', 'Basic YWxpY2U=', 'Bearer x.y.z', 'Basic', `Basic ${'A'.repeat(15_000)}`]) {
        const r = await http('GET', `${basic.url}/v2/`, { headers: { Authorization: h } });
        assert.equal(r.status, 401, h.slice(0, 20));
        assert.equal(code(r), 'UNAUTHORIZED');
      }
      // Beyond Node's header limit the request is answered 431 (or the connection reset while the
      // client still writes) before any parsing; the server carries on.
      const huge = await http('GET', `${basic.url}/v2/`, { headers: { Authorization: `Basic ${'A'.repeat(100_000)}` } }).catch((err: Error) => err);
      if (huge instanceof Error) assert.match(huge.message, /ECONNRESET|EPIPE/);
      else assert.equal(huge.status, 431);
      assert.equal((await http('GET', `${basic.url}/v2/`, { headers: { Authorization: alice } })).status, 200);
    });
  });

  describe('token', () => {
    it('challenges with the realm, service and the scope the request needs', async () => {
      const base = await http('GET', `${token.url}/v2/`);
      assert.equal(base.status, 401);
      assert.equal(base.headers['www-authenticate'], `Bearer realm="${token.url}/token",service="test-svc"`);
      const m = await http('HEAD', `${token.url}/v2/alice/app/manifests/v1`);
      assert.equal(m.status, 401);
      assert.equal(m.headers['www-authenticate'], `Bearer realm="${token.url}/token",service="test-svc",scope="repository:alice/app:pull"`);
      const up = await http('POST', `${token.url}/v2/a/b/blobs/uploads/`);
      assert.match(up.headers['www-authenticate']!, /,scope="repository:a\/b:pull,push"$/);
      const cat = await http('GET', `${token.url}/v2/_catalog`);
      assert.match(cat.headers['www-authenticate']!, /,scope="registry:catalog:\*"$/);
    });

    it('issues tokens that grant what the account may do, and refuses the rest with DENIED', async () => {
      const res = await http('GET', `${token.url}/token?service=test-svc&scope=repository:alice/app:pull,push`, { headers: { Authorization: alice } });
      const body = res.json<{ token: string; access_token: string; expires_in: number; issued_at: string }>();
      assert.equal(body.token, body.access_token);
      assert.equal(body.expires_in, 300);
      assert.ok(Math.abs(Date.parse(body.issued_at) - Date.now()) < 60_000);
      const asAlice = `Bearer ${body.token}`;
      assert.equal((await http('GET', `${token.url}/v2/`, { headers: { Authorization: asAlice } })).status, 200);
      assert.equal((await pushImage(token.url, 'alice/app', img, 'v1', { Authorization: asAlice })).status, 201);
      // A token is for the scopes it names: not for another repository, not for delete.
      const other = await http('GET', `${token.url}/v2/alice/other/tags/list`, { headers: { Authorization: asAlice } });
      assert.equal(other.status, 403);
      assert.equal(code(other), 'DENIED');
      assert.equal((await http('DELETE', `${token.url}/v2/alice/app/manifests/v1`, { headers: { Authorization: asAlice } })).status, 403);

      // Bob asks for pull,push on alice's repository and on his own: he gets his own only.
      const asBob = await bearer(token, bob, 'repository:alice/app:pull,push', 'repository:bob/app:pull,push,delete');
      const claims = JSON.parse(Buffer.from(asBob.split('.')[1]!, 'base64url').toString()) as { sub: string; aud: string; access: unknown };
      assert.equal(claims.sub, 'bob');
      assert.equal(claims.aud, 'test-svc');
      assert.deepEqual(claims.access, [{ type: 'repository', name: 'bob/app', actions: ['pull', 'push'] }]);
      const denied = await http('GET', `${token.url}/v2/alice/app/manifests/v1`, { headers: { Authorization: asBob } });
      assert.equal(denied.status, 403);
      assert.equal(code(denied), 'DENIED');

      // Anonymous tokens exist but grant nothing here: 401, so the client knows to log in.
      const anon = await bearer(token, undefined, 'repository:alice/app:pull');
      const a = await http('GET', `${token.url}/v2/alice/app/manifests/v1`, { headers: { Authorization: anon } });
      assert.equal(a.status, 401);
      assert.match(a.headers['www-authenticate']!, /error="insufficient_scope"/);

      const cat = await http('GET', `${token.url}/v2/_catalog`, { headers: { Authorization: await bearer(token, alice, 'registry:catalog:*') } });
      assert.equal(cat.status, 200);
      assert.equal((await http('GET', `${token.url}/v2/_catalog`, { headers: { Authorization: await bearer(token, bob, 'registry:catalog:*') } })).status, 403);
    });

    it('takes the OAuth2 password form on POST', async () => {
      const form = new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'secret', service: 'test-svc', scope: 'repository:alice/app:pull repository:bob/x:push', client_id: 'test' });
      const r = await http('POST', `${token.url}/token`, { body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assert.equal(r.status, 200, r.body.toString());
      const body = r.json<{ access_token: string; scope: string }>();
      assert.equal(body.scope, 'repository:alice/app:pull repository:bob/x:push');
      assert.equal((await http('HEAD', `${token.url}/v2/alice/app/manifests/v1`, { headers: { Authorization: `Bearer ${body.access_token}` } })).status, 200);
      form.set('password', 'wrong');
      assert.equal((await http('POST', `${token.url}/token`, { body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status, 401);
      const refresh = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', service: 'test-svc' });
      const rr = await http('POST', `${token.url}/token`, { body: refresh.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assert.equal(rr.status, 400);
      assert.match(message(rr)!, /unsupported grant_type "refresh_token"/);
    });

    it('refuses bad token requests clearly: wrong password, other service, bad or 1000 scopes', async () => {
      const wrong = await http('GET', `${token.url}/token?service=test-svc`, { headers: { Authorization: basicAuth('alice', 'x') } });
      assert.equal(wrong.status, 401);
      assert.match(message(wrong)!, /incorrect username or password/);
      const svc = await http('GET', `${token.url}/token?service=elsewhere`, { headers: { Authorization: alice } });
      assert.equal(svc.status, 400);
      assert.match(message(svc)!, /unknown service "elsewhere"/);
      const badScope = await http('GET', `${token.url}/token?service=test-svc&scope=repository:../x:pull`);
      assert.equal(badScope.status, 400);
      assert.match(message(badScope)!, /invalid scope/);
      const many = `${token.url}/token?service=test-svc&${Array.from({ length: 1000 }, (_, i) => `scope=repository:r${i}:pull`).join('&')}`;
      const t0 = Date.now();
      const r = await http('GET', many.slice(0, 15_000), { headers: { Authorization: alice } });
      assert.equal(r.status, 400);
      assert.match(message(r)!, /too many scopes: \d+ \(at most 64\)/);
      assert.ok(Date.now() - t0 < 2_000);
      assert.equal((await http('GET', many)).status, 431, 'a request line past the header limit never reaches the endpoint');
    });

    it('refuses forged, tampered, expired and foreign tokens with 401 invalid_token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: 'test-iss', sub: 'alice', aud: 'test-svc', exp: now + 300, nbf: now, iat: now, jti: 'x', access: [{ type: 'repository', name: 'alice/app', actions: ['pull'] }] };
      const sign = (header: unknown, c: unknown, k = key): string => {
        const input = `${b64(header)}.${b64(c)}`;
        return `Bearer ${input}.${createHmac('sha256', k).update(input).digest('base64url')}`;
      };
      const good = sign({ alg: 'HS256', typ: 'JWT' }, claims);
      const get = (auth: string) => http('GET', `${token.url}/v2/alice/app/manifests/v1`, { headers: { Authorization: auth } });
      assert.equal((await get(good)).status, 200, 'a token signed with the configured key is accepted');
      const cases: Array<[string, string]> = [
        [sign({ alg: 'HS256' }, claims, randomBytes(32)), 'invalid token signature'],
        [`Bearer ${b64({ alg: 'none' })}.${b64(claims)}.bm9uZQ`, 'unsupported token algorithm'],
        [sign({ alg: 'HS256' }, { ...claims, exp: now - 60 }), 'token expired'],
        [sign({ alg: 'HS256' }, { ...claims, aud: 'other-svc' }), 'token is for another service'],
        [sign({ alg: 'HS256' }, { ...claims, iss: 'someone' }), 'token from another issuer'],
        [`${good.slice(0, 20)}A${good.slice(21)}`, ''],
        ['Bearer not-a-token', 'malformed token'],
      ];
      for (const [auth, why] of cases) {
        const r = await get(auth);
        assert.equal(r.status, 401, why);
        assert.match(r.headers['www-authenticate']!, /error="invalid_token"/);
        if (why) assert.equal(r.json<{ errors: Array<{ message: string }> }>().errors[0]!.message, why);
      }
      assert.equal((await get(alice)).status, 401, 'Basic credentials are no token');
    });

    it('mounts across repositories only from one the client may pull', async () => {
      const layer = img.layers[0]!;
      const d = sha256(layer);
      // alice/app has the layer (pushed above). Bob may push bob/dst but not read alice/app.
      const asBob = await bearer(token, bob, 'repository:bob/dst:pull,push', 'repository:alice/app:pull');
      const from = await http('POST', `${token.url}/v2/bob/dst/blobs/uploads/?mount=${d}&from=alice/app`, { headers: { Authorization: asBob } });
      assert.equal(from.status, 202, 'a plain upload session instead of a mount');
      assert.match(from.headers.location!, /^\/v2\/bob\/dst\/blobs\/uploads\//);
      const auto = await http('POST', `${token.url}/v2/bob/dst/blobs/uploads/?mount=${d}`, { headers: { Authorization: asBob } });
      assert.equal(auto.status, 202, 'automatic mount does not find blobs in repositories bob cannot read');
      assert.equal((await http('HEAD', `${token.url}/v2/bob/dst/blobs/${d}`, { headers: { Authorization: asBob } })).status, 404);
      const asAlice = await bearer(token, alice, 'repository:alice/copy:pull,push', 'repository:alice/app:pull');
      const ok = await http('POST', `${token.url}/v2/alice/copy/blobs/uploads/?mount=${d}&from=alice/app`, { headers: { Authorization: asAlice } });
      assert.equal(ok.status, 201);
    });

    it('logs one JSON line per request with the account, and never a credential', async () => {
      await new Promise((r) => setTimeout(r, 200));
      const lines = token.log().split('\n').filter((l) => l.startsWith('{') && l.includes('"status"'));
      assert.ok(lines.length > 20);
      const entries = lines.map((l) => JSON.parse(l) as { method: string; path: string; status: number; bytesOut: number; ms: number; user?: string });
      const push = entries.find((e) => e.method === 'PUT' && e.path === '/v2/alice/app/manifests/v1');
      assert.equal(push?.status, 201);
      assert.equal(push?.user, 'alice');
      assert.ok(push!.ms >= 0 && push!.bytesOut > 0);
      assert.ok(entries.some((e) => e.path.startsWith('/token') && e.user === 'bob'));
      const all = token.log();
      for (const secret of ['secret', 'hunter2', alice.slice(6), bob.slice(6), 'eyJ', 'Authorization', 'authorization']) {
        assert.ok(!all.includes(secret), `the log holds ${secret}`);
      }
    });
  });

  describe('TLS', () => {
    it('serves https with the certificate, and points the token realm at https', async () => {
      const r = await http('GET', `${tls.url}/v2/`, { ca: pem });
      assert.equal(r.status, 401);
      assert.equal(r.headers['www-authenticate'], `Bearer realm="${tls.url}/token",service="test-svc"`);
      const auth = await bearer(tls, alice, 'repository:alice/tls:pull,push');
      assert.equal((await http('GET', `${tls.url}/v2/`, { ca: pem, headers: { Authorization: auth } })).status, 200);
      await assert.rejects(http('GET', `${tls.url}/v2/`), /self-signed|self signed/);
      await assert.rejects(http('GET', `http://${tls.addr}/v2/`));
    });
  });
});
