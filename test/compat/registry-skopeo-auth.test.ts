// skopeo with credentials against the berth registry: htpasswd over plain HTTP, and the token
// flow over TLS with a self-signed certificate given to skopeo as a cert dir.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run, type RunResult } from '../helpers/exec.js';
import { tmpParent } from '../helpers/paths.js';
import { skipReason } from '../helpers/prereq.js';
import { htpasswdLine, makeImage, selfSignedCert, sha256, startRegistry, writeOciLayout, type Registry, type TestImage } from '../helpers/registry.js';

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `${r.command}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('compat: skopeo with credentials and TLS against the berth registry', { skip: skipReason({ cli: true, binaries: ['skopeo', 'openssl'] }) }, () => {
  let dir: string;
  let certs: string;
  let basic: Registry;
  let tls: Registry;
  let img: TestImage;
  const skopeo = (...args: string[]) => run('skopeo', ['--insecure-policy', ...args], { timeoutMs: 60_000 });

  before(async () => {
    dir = await mkdtemp(join(tmpParent, 'bskoauth-'));
    certs = join(dir, 'certs');
    const cert = await selfSignedCert(certs);
    await writeFile(join(dir, 'htpasswd'), `${await htpasswdLine('alice', 'secret')}\n${await htpasswdLine('bob', 'hunter2')}\n`);
    await writeFile(join(dir, 'tls.yaml'), [
      'tls: { certificate: certs/cert.pem, key: certs/key.pem }',
      'auth:',
      '  htpasswd: { path: htpasswd }',
      '  token: { service: berth-test }',
      '  access:',
      '    - { account: alice, repository: "*", actions: [pull, push, delete] }',
      '    - { account: bob, repository: "*", actions: [pull] }',
    ].join('\n'));
    img = await makeImage([200_000, 3_000]);
    await writeOciLayout(join(dir, 'src'), img, 'v1');
    [basic, tls] = await Promise.all([
      startRegistry({ args: ['--auth', 'htpasswd', '--htpasswd', join(dir, 'htpasswd')] }),
      startRegistry({ args: ['--config', join(dir, 'tls.yaml')], tls: true }),
    ]);
    assert.ok(cert.pem.length > 0);
  });
  after(async () => {
    await Promise.all([basic?.cleanup(), tls?.cleanup()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('htpasswd: copies in and out with --creds, and fails without or with a wrong password', async () => {
    const dest = `docker://${basic.addr}/sk/img:v1`;
    const none = await skopeo('copy', '--dest-tls-verify=false', `oci:${join(dir, 'src')}:v1`, dest);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /authentication required|unauthorized/i);
    const wrong = await skopeo('copy', '--dest-tls-verify=false', '--dest-creds', 'alice:nope', `oci:${join(dir, 'src')}:v1`, dest);
    assert.notEqual(wrong.code, 0);
    ok(await skopeo('copy', '--dest-tls-verify=false', '--dest-creds', 'alice:secret', `oci:${join(dir, 'src')}:v1`, dest));
    const raw = ok(await skopeo('inspect', '--tls-verify=false', '--creds', 'bob:hunter2', '--raw', dest));
    assert.equal(sha256(raw), img.manifestDigest);
    ok(await skopeo('copy', '--src-tls-verify=false', '--src-creds', 'alice:secret', dest, `oci:${join(dir, 'back')}:v1`));
  });

  it('token over TLS: trusts the certificate from --dest-cert-dir/--src-cert-dir, pushes, lists, deletes; a reader may not push', async () => {
    const dest = `docker://${tls.addr}/sk/tls:v1`;
    const untrusted = await skopeo('copy', '--dest-creds', 'alice:secret', `oci:${join(dir, 'src')}:v1`, dest);
    assert.notEqual(untrusted.code, 0);
    assert.match(untrusted.stderr, /certificate/);
    ok(await skopeo('copy', '--dest-cert-dir', certs, '--dest-creds', 'alice:secret', `oci:${join(dir, 'src')}:v1`, dest));
    ok(await skopeo('copy', '--src-cert-dir', certs, '--src-creds', 'bob:hunter2', '--dest-cert-dir', certs, '--dest-creds', 'alice:secret', dest, `docker://${tls.addr}/sk/tls:v2`));
    const tags = JSON.parse(ok(await skopeo('list-tags', '--cert-dir', certs, '--creds', 'bob:hunter2', `docker://${tls.addr}/sk/tls`))) as { Tags: string[] };
    assert.deepEqual(tags.Tags, ['v1', 'v2']);
    const readerPush = await skopeo('copy', '--dest-cert-dir', certs, '--dest-creds', 'bob:hunter2', `oci:${join(dir, 'src')}:v1`, `docker://${tls.addr}/sk/bob:v1`);
    assert.notEqual(readerPush.code, 0);
    assert.match(readerPush.stderr, /denied/i);
    const raw = ok(await skopeo('inspect', '--cert-dir', certs, '--creds', 'bob:hunter2', '--raw', `docker://${tls.addr}/sk/tls:v1`));
    assert.equal(sha256(raw), img.manifestDigest);
    assert.notEqual((await skopeo('delete', '--cert-dir', certs, '--creds', 'bob:hunter2', `docker://${tls.addr}/sk/tls:v2`)).code, 0, 'a reader may not delete');
    // skopeo deletes by digest: the manifest goes, and with it both tags on it.
    ok(await skopeo('delete', '--cert-dir', certs, '--creds', 'alice:secret', `docker://${tls.addr}/sk/tls:v2`));
    const gone = await skopeo('inspect', '--cert-dir', certs, '--creds', 'bob:hunter2', '--raw', `docker://${tls.addr}/sk/tls:v1`);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /manifest unknown/);
  });
});
