// berthd as the registry client of an authenticating berth registry: the docker CLI logs in
// through berthd (POST /auth) and sends X-Registry-Auth on push and pull, with htpasswd Basic
// auth and with the token flow.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { includes, ok } from '../helpers/assert.js';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { tmpParent } from '../helpers/paths.js';
import { htpasswdLine, startRegistry, type Registry } from '../helpers/registry.js';

describe('compat: berthd pulling and pushing with an authenticating berth registry', { skip: skipReason(compatNeeds) }, () => {
  let dir: string;
  let basic: Registry;
  let token: Registry;
  let d: Daemon;
  const login = (host: string, user: string, password: string) => d.docker(['login', '-u', user, '--password-stdin', host], { input: `${password}\n` });

  before(async () => {
    dir = await mkdtemp(join(tmpParent, 'bbdauth-'));
    await writeFile(join(dir, 'htpasswd'), `${await htpasswdLine('alice', 'secret')}\n`);
    await writeFile(join(dir, 'token.yaml'), 'auth:\n  htpasswd: { path: htpasswd }\n  token: { service: berth-test }\n');
    [basic, token, d] = await Promise.all([
      startRegistry({ args: ['--auth', 'htpasswd', '--htpasswd', join(dir, 'htpasswd')] }),
      startRegistry({ args: ['--config', join(dir, 'token.yaml')] }),
      startDaemon(),
    ]);
  });
  after(async () => {
    await Promise.all([basic?.cleanup(), token?.cleanup(), d?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const kind of ['htpasswd', 'token'] as const) {
    it(`${kind}: push and pull need the login; with it they work and the image runs`, async () => {
      const reg = kind === 'htpasswd' ? basic : token;
      const ref = `${reg.addr}/alice/busybox:1`;
      ok(await d.docker(['tag', 'busybox', ref]));
      const anon = await d.docker(['push', ref]);
      assert.notEqual(anon.code, 0, 'no push without a login');
      assert.notEqual((await login(reg.addr, 'alice', 'wrong')).code, 0);
      includes(ok(await login(reg.addr, 'alice', 'secret')), 'Login Succeeded');
      const push = ok(await d.docker(['push', ref]));
      assert.match(push, /^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
      ok(await d.docker(['rmi', ref]));
      includes(ok(await d.docker(['pull', ref])), `Status: Downloaded newer image for ${ref}`);
      assert.equal(ok(await d.docker(['run', '--rm', ref, 'echo', 'pulled-ok'])), 'pulled-ok\n');
      ok(await d.docker(['logout', reg.addr]));
      ok(await d.docker(['rmi', ref]));
      if (kind === 'token') {
        const pull = await d.docker(['pull', ref]);
        assert.notEqual(pull.code, 0, 'no pull once logged out');
        includes(pull.stderr, `pull access denied for ${reg.addr}/alice/busybox`);
      } else {
        // berthd answers this refusal with 500 as dockerd does: a 401 would make the docker CLI
        // prompt for a login ("Login prior to pull") and wait on its stdin.
        const pull = await d.docker(['pull', ref]);
        assert.notEqual(pull.code, 0, 'no pull once logged out');
        includes(pull.stderr, 'no basic auth credentials');
        assert.doesNotMatch(pull.stdout + pull.stderr, /Login prior to pull/);
      }
      // The registry and berthd never write the password down.
      assert.ok(!reg.log().includes('secret') && !d.logs().includes('secret'));
    });
  }
});
