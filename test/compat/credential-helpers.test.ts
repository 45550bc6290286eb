// Credential helpers (credsStore / credHelpers in config.json): `berth login` stores through the
// helper, pull and push send what it holds, and the real docker CLI reads what berth stored.
// The registry is `berth registry serve` behind a small proxy that asks for Basic auth.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFakeCredentialHelper } from '../../src/cli/testing/fake-credential-helper.js';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { fails, includes, ok } from '../helpers/assert.js';
import { tmpParent } from '../helpers/paths.js';
import { startRegistry, type Registry } from '../helpers/registry.js';

const GOOD = `Basic ${Buffer.from('alice:secret').toString('base64')}`;

/** Forwards to `target` only requests with alice's Basic credentials; others get a Basic challenge. */
async function basicAuthProxy(target: string): Promise<{ addr: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    if (req.headers.authorization !== GOOD) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="berth-test"' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return;
    }
    const fwd = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { addr: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('compat: credential helpers', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), 'python3'] }) }, () => {
  let reg: Registry;
  let proxy: Awaited<ReturnType<typeof basicAuthProxy>>;
  let d: Daemon;
  let dir: string;
  let env: Record<string, string>;
  const creds = (): Record<string, unknown> => JSON.parse(readFileSync(join(dir, 'creds.json'), 'utf8')) as Record<string, unknown>;

  before(async () => {
    reg = await startRegistry();
    proxy = await basicAuthProxy(reg.url);
    d = await startDaemon();
    mkdirSync(tmpParent, { recursive: true });
    dir = mkdtempSync(join(tmpParent, 'bcred-'));
    writeFakeCredentialHelper(dir, 'berthtest');
    env = { PATH: `${dir}:${process.env.PATH ?? ''}`, FAKE_CREDS: join(dir, 'creds.json') };
    mkdirSync(d.env.DOCKER_CONFIG, { recursive: true });
    writeFileSync(join(d.env.DOCKER_CONFIG, 'config.json'), JSON.stringify({ credsStore: 'berthtest' }));
  });
  after(async () => {
    await d?.stop();
    await new Promise<void>((r) => proxy?.server.close(() => r()));
    await reg?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without a login the registry refuses the push', async () => {
    ok(await d.docker(['tag', 'busybox', `${proxy.addr}/team/x:1`]));
    const r = await d.berth(['push', `${proxy.addr}/team/x:1`], { env });
    fails(r);
    includes(r.stderr, 'no basic auth credentials');
  });

  it('berth login stores through the helper; push sends its credentials; docker pull reads them', async () => {
    const login = await d.berth(['login', '-u', 'alice', '--password-stdin', proxy.addr], { env, input: 'secret\n' });
    assert.equal(ok(login), 'Login Succeeded\n');
    assert.doesNotMatch(login.stderr, /unencrypted/);
    assert.deepEqual(creds()[proxy.addr], { Username: 'alice', Secret: 'secret' });
    const cfg = JSON.parse(readFileSync(join(d.env.DOCKER_CONFIG, 'config.json'), 'utf8')) as { auths: Record<string, unknown> };
    assert.deepEqual(cfg.auths[proxy.addr], {});
    includes(ok(await d.berth(['push', `${proxy.addr}/team/x:1`], { env })), /^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    ok(await d.docker(['rmi', `${proxy.addr}/team/x:1`]));
    includes(ok(await d.docker(['pull', `${proxy.addr}/team/x:1`], { env })), `Status: Downloaded newer image for ${proxy.addr}/team/x:1`);
  });

  it('credHelpers names the helper for its host over credsStore', async () => {
    writeFileSync(join(d.env.DOCKER_CONFIG, 'config.json'), JSON.stringify({ credsStore: 'nosuch', credHelpers: { [proxy.addr]: 'berthtest' }, auths: { [proxy.addr]: {} } }));
    ok(await d.docker(['rmi', `${proxy.addr}/team/x:1`]));
    includes(ok(await d.berth(['pull', `${proxy.addr}/team/x:1`], { env })), `${proxy.addr}/team/x:1`);
  });

  it('berth logout erases from the helper; the next pull is refused', async () => {
    assert.equal(ok(await d.berth(['logout', proxy.addr], { env })), `Removing login credentials for ${proxy.addr}\n`);
    assert.equal(creds()[proxy.addr], undefined);
    ok(await d.docker(['rmi', `${proxy.addr}/team/x:1`]));
    fails(await d.berth(['pull', `${proxy.addr}/team/x:1`], { env }));
  });
});
