import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testTempDir } from '../lib/testing/temp-dir.js';
import { buildConfig, loadConfig, parseConfigText } from './config.js';

describe('registry config', () => {
  it('reads YAML, resolves paths beside the file, and lets flags win', async () => {
    const dir = testTempDir('regcfg-');
    const file = join(dir, 'registry.yaml');
    writeFileSync(file, [
      'addr: 127.0.0.1:5000',
      'root: data',
      'tls: { certificate: tls/cert.pem, key: tls/key.pem }',
      'auth:',
      '  htpasswd: { path: htpasswd, realm: my-realm }',
      '  token: { service: reg.example, issuer: me, expiry: 5m, key: token.key }',
      '  anonymousPull: true',
      '  access:',
      '    - { account: alice, repository: "*", actions: [pull, push, delete] }',
      '    - { account: ops, catalog: true }',
      'log: { access: false }',
    ].join('\n'));
    const c = await loadConfig({ config: file });
    assert.equal(c.addr, '127.0.0.1:5000');
    assert.equal(c.root, join(dir, 'data'));
    assert.deepEqual(c.tls, { certificate: join(dir, 'tls/cert.pem'), key: join(dir, 'tls/key.pem') });
    assert.equal(c.auth.type, 'token', 'a token section means token auth');
    assert.equal(c.auth.htpasswd, join(dir, 'htpasswd'));
    assert.equal(c.auth.realm, 'my-realm');
    assert.deepEqual(c.auth.token, { realm: undefined, service: 'reg.example', issuer: 'me', key: join(dir, 'token.key'), expirySeconds: 300 });
    assert.equal(c.auth.anonymousPull, true);
    assert.equal(c.auth.access?.length, 2);
    assert.equal(c.log.access, false);

    const f = await loadConfig({ config: file, addr: ':6000', auth: 'htpasswd', htpasswd: '/etc/other', tlsCert: '/c', tlsKey: '/k' });
    assert.equal(f.addr, ':6000');
    assert.equal(f.auth.type, 'htpasswd');
    assert.equal(f.auth.htpasswd, '/etc/other');
    assert.deepEqual(f.tls, { certificate: '/c', key: '/k' });
  });

  it('reads JSON too, and defaults to no auth, no TLS and an access log on stderr', () => {
    const c = buildConfig(parseConfigText('{"root": "/srv/reg"}', 'cfg.json'), {}, '/');
    assert.equal(c.addr, ':5000');
    assert.equal(c.auth.type, 'none');
    assert.equal(c.tls, undefined);
    assert.deepEqual(c.log, { access: true, format: 'json', file: undefined });
    assert.equal(buildConfig({}, { htpasswd: '/h' }, '/').auth.type, 'htpasswd', '--htpasswd alone means htpasswd auth');
  });

  it('refuses what it does not understand, naming the key', () => {
    const build = (text: string, flags = {}) => () => buildConfig(parseConfigText(text, 'cfg'), flags, '/', 'cfg');
    assert.throws(build('adr: x'), /cfg: unknown key "adr"/);
    assert.throws(build('auth: { tokn: {} }'), /cfg: auth: unknown key "tokn"/);
    assert.throws(build('tls: { certificate: c }'), /needs both a certificate and a key/);
    assert.throws(build('auth: { type: token }'), /auth token needs an htpasswd file/);
    assert.throws(build('{}', { auth: 'ldap' }), /invalid auth type "ldap"/);
    assert.throws(build('auth: { htpasswd: { path: h }, access: [ { account: a, repository: x, actions: [read] } ] }'), /auth.access\[0\].actions: want a list of pull, push, delete/);
    assert.throws(build('auth: { htpasswd: { path: h }, access: [ { account: a } ] }'), /grants nothing/);
    assert.throws(build('auth: { htpasswd: { path: h }, token: { expiry: 1 } }'), /expiry: want between 10 seconds and 24 hours/);
    assert.throws(build('auth: { htpasswd: { path: h }, token: { realm: "ftp://x" } }'), /realm: want an http\(s\) URL/);
    assert.throws(build('log: { format: text }'), /only "json"/);
    assert.throws(build('- a\n- b'), /cfg: want a mapping/);
    assert.throws(build('a: [1, 2'), /not valid YAML or JSON/);
  });
});
