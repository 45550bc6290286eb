import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeDaemon } from '../client/testing/fake-daemon.js';
import { runCaptured } from './testing/capture.js';
import { testTempDir } from '../lib/testing/temp-dir.js';
import { helperErase, helperGet, helperList, helperStore } from './credential-helper.js';
import { writeFakeCredentialHelper } from './testing/fake-credential-helper.js';


let daemon: FakeDaemon;
let dir: string;
let env: NodeJS.ProcessEnv;
const credsFile = (): Record<string, { Username: string; Secret: string }> => JSON.parse(readFileSync(join(dir, 'creds.json'), 'utf8')) as Record<string, { Username: string; Secret: string }>;
const config = (): Record<string, unknown> => JSON.parse(readFileSync(join(dir, 'cfg', 'config.json'), 'utf8')) as Record<string, unknown>;
const berth = (args: string[], stdin?: string) => runCaptured(['-H', daemon.host, ...args], { env, ...(stdin !== undefined ? { stdin } : {}) });

before(async () => {
  daemon = await new FakeDaemon().listen();
  dir = testTempDir('berth-credhelper-');
  writeFakeCredentialHelper(dir, 'fake');
  env = { PATH: `${dir}:${process.env.PATH ?? ''}`, FAKE_CREDS: join(dir, 'creds.json'), DOCKER_CONFIG: join(dir, 'cfg') };
  mkdirSync(join(dir, 'cfg'));
});
after(() => daemon.close());

test('the protocol: store, get, list, erase; nothing stored is not an error', async () => {
  assert.equal(await helperGet('fake', 'r.example:5000', env), undefined);
  await helperStore('fake', { serverUrl: 'r.example:5000', username: 'u', secret: 's' }, env);
  assert.deepEqual(await helperGet('fake', 'r.example:5000', env), { serverUrl: 'r.example:5000', username: 'u', secret: 's' });
  assert.deepEqual(await helperList('fake', env), { 'r.example:5000': 'u' });
  await helperErase('fake', 'r.example:5000', env);
  await helperErase('fake', 'r.example:5000', env);
  assert.deepEqual(await helperList('fake', env), {});
  await assert.rejects(helperGet('nosuch', 'x', env), { message: 'error getting credentials - err: exec: "docker-credential-nosuch": executable file not found in $PATH, out: ``' });
});

test('login stores through credsStore, config.json keeps an empty entry, pull sends what the helper has', async () => {
  writeFileSync(join(dir, 'cfg', 'config.json'), JSON.stringify({ credsStore: 'fake' }));
  daemon.json('POST /auth', 200, { Status: 'Login Succeeded' });
  const login = await berth(['login', '-u', 'alice', '--password-stdin', 'reg.example:5000'], 'secret\n');
  assert.equal(login.code, 0, login.stderr);
  assert.equal(login.stdout, 'Login Succeeded\n');
  assert.doesNotMatch(login.stderr, /unencrypted/);
  assert.deepEqual(credsFile()['reg.example:5000'], { Username: 'alice', Secret: 'secret' });
  assert.deepEqual(config(), { credsStore: 'fake', auths: { 'reg.example:5000': {} } });

  let header = '';
  daemon.on('POST /images/create', (req, res) => {
    header = String(req.headers['x-registry-auth']);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"status":"Status: Image is up to date for reg.example:5000/a/b:1"}\r\n');
  });
  assert.equal((await berth(['pull', 'reg.example:5000/a/b:1'])).code, 0);
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), { username: 'alice', password: 'secret', serveraddress: 'reg.example:5000' });

  const logout = await berth(['logout', 'reg.example:5000']);
  assert.equal(logout.stdout, 'Removing login credentials for reg.example:5000\n');
  assert.equal(credsFile()['reg.example:5000'], undefined);
  assert.deepEqual(config(), { credsStore: 'fake', auths: {} });
});

test('credHelpers wins over credsStore for its host; an identity token goes as one', async () => {
  writeFileSync(join(dir, 'cfg', 'config.json'), JSON.stringify({ credsStore: 'nosuch', credHelpers: { 'reg.example:5000': 'fake' } }));
  writeFileSync(join(dir, 'creds.json'), JSON.stringify({ 'reg.example:5000': { Username: '<token>', Secret: 'refresh-me' } }));
  let header = '';
  daemon.on('POST /images/create', (req, res) => {
    header = String(req.headers['x-registry-auth']);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"status":"ok"}\r\n');
  });
  assert.equal((await berth(['pull', 'reg.example:5000/a/b:1'])).code, 0);
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), { identitytoken: 'refresh-me', serveraddress: 'reg.example:5000' });
  // Another registry falls to credsStore, whose helper is missing: the pull stops with docker's words.
  const r = await berth(['pull', 'other.example/a/b:1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error getting credentials - err: exec: "docker-credential-nosuch": executable file not found in \$PATH/);
  assert.ok(existsSync(join(dir, 'creds.json.log')));
});
