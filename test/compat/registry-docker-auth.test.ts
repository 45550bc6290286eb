// Docker Engine 20.10 and the docker CLI 28 logging in to the berth registry, with htpasswd
// Basic auth and with its token flow, then pushing and pulling; a refused push reads as Docker
// says it.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunResult } from '../helpers/exec.js';
import { tmpParent } from '../helpers/paths.js';
import { startPeerDockerd, type PeerDockerd } from '../helpers/peer-dockerd.js';
import { skipReason } from '../helpers/prereq.js';
import { htpasswdLine, startRegistry, type Registry } from '../helpers/registry.js';

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `${r.command}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('compat: docker login, push and pull with an authenticating berth registry', { skip: skipReason({ root: true, cli: true, docker: true, binaries: ['dockerd', 'busybox', 'tar'] }) }, () => {
  let dir: string;
  let basic: Registry;
  let token: Registry;
  let d: PeerDockerd;
  const login = (host: string, user: string, password: string) => d.dk(['login', '-u', user, '--password-stdin', host], { input: `${password}\n` });

  before(async () => {
    dir = await mkdtemp(join(tmpParent, 'bdkauth-'));
    await writeFile(join(dir, 'htpasswd'), `${await htpasswdLine('alice', 'secret')}\n${await htpasswdLine('bob', 'hunter2')}\n`);
    await writeFile(join(dir, 'token.yaml'), [
      'auth:',
      '  htpasswd: { path: htpasswd }',
      '  token: { service: berth-test }',
      '  anonymousPull: true',
      '  access:',
      '    - { account: "*", repository: "${account}/*", actions: [pull, push, delete] }',
    ].join('\n'));
    [basic, token, d] = await Promise.all([
      startRegistry({ args: ['--auth', 'htpasswd', '--htpasswd', join(dir, 'htpasswd')] }),
      startRegistry({ args: ['--config', join(dir, 'token.yaml')] }),
      startPeerDockerd('bdka-'),
    ]);
  });
  after(async () => {
    await Promise.all([basic?.cleanup(), token?.cleanup(), d?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('htpasswd: refuses a wrong password, and pushes and pulls after login', async () => {
    const ref = `${basic.addr}/alice/bb:v1`;
    ok(await d.dk(['tag', 'bb:latest', ref]));
    const anon = await d.dk(['push', ref]);
    assert.notEqual(anon.code, 0);
    assert.match(anon.stderr, /no basic auth credentials|unauthorized/);
    const bad = await login(basic.addr, 'alice', 'wrong');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, new RegExp(`login attempt to http://${basic.addr}/v2/ failed with status: 401 Unauthorized`));
    assert.match(ok(await login(basic.addr, 'alice', 'secret')), /Login Succeeded/);
    assert.match(ok(await d.dk(['push', ref])), /v1: digest: sha256:[0-9a-f]{64}/);
    ok(await d.dk(['rmi', ref]));
    assert.match(ok(await d.dk(['pull', ref])), new RegExp(`Downloaded newer image for ${ref}`));
    ok(await d.dk(['logout', basic.addr]));
    ok(await d.dk(['rmi', ref]));
    assert.notEqual((await d.dk(['pull', ref])).code, 0, 'no pull once logged out');
  });

  it('token: logs in through /token, pushes to its own namespace, is denied elsewhere, pulls anonymously', async () => {
    const mine = `${token.addr}/bob/bb:v1`;
    const theirs = `${token.addr}/alice/bb:v1`;
    const bad = await login(token.addr, 'bob', 'wrong');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /incorrect username or password/);
    assert.match(ok(await login(token.addr, 'bob', 'hunter2')), /Login Succeeded/);
    ok(await d.dk(['tag', 'bb:latest', mine]));
    ok(await d.dk(['tag', 'bb:latest', theirs]));
    const push = ok(await d.dk(['push', mine]));
    const digest = /v1: digest: (sha256:[0-9a-f]{64})/.exec(push)?.[1];
    assert.ok(digest, push);
    const denied = await d.dk(['push', theirs]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /denied: requested access to the resource is denied/);
    ok(await d.dk(['logout', token.addr]));
    ok(await d.dk(['rmi', mine, theirs]));
    // Anonymous pull is on: no login needed to pull, the token endpoint hands out pull only.
    assert.match(ok(await d.dk(['pull', mine])), new RegExp(`Digest: ${digest}`));
    const anonPush = await d.dk(['push', mine]);
    assert.notEqual(anonPush.code, 0);
  });
});
