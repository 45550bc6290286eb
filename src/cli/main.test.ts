import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeDaemon } from '../client/testing/fake-daemon.js';
import { runCaptured } from './testing/capture.js';

test('--version prints the client version without a daemon', async () => {
  const r = await runCaptured(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^berth version \d+\.\d+\.\d+, build /);
});

test('unknown flags exit 125 with docker wording and usage', async () => {
  const r = await runCaptured(['ps', '--foo']);
  assert.equal(r.code, 125);
  assert.equal(r.stderr, "unknown flag: --foo\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n");
});

test('missing arguments exit 1 with the berth: prefix', async () => {
  const r = await runCaptured(['rm']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "berth: 'berth rm' requires at least 1 argument\n\nUsage:  berth rm [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'berth rm --help' for more information\n");
});

test('unknown commands exit 1', async () => {
  const r = await runCaptured(['frobnicate']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown command: berth frobnicate/);
});

test('--help prints usage and flags for grouped commands too', async () => {
  const r = await runCaptured(['container', 'ls', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage:  berth container ls \[OPTIONS\]/);
  assert.match(r.stdout, /-a, --all\s+Show all containers/);
});

test('an unreachable daemon is reported and exits 1', async () => {
  const r = await runCaptured(['-H', 'unix:///nonexistent.sock', 'ps']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n');
});

test('BERTH_HOST is used when -H is absent', async () => {
  const r = await runCaptured(['ps'], { env: { BERTH_HOST: 'unix:///from-env.sock', DOCKER_HOST: 'unix:///docker.sock' } });
  assert.match(r.stderr, /unix:\/\/\/from-env.sock/);
});

describe('choosing the daemon and reading the client config', () => {
  let daemon: FakeDaemon;
  let dir: string;
  before(async () => {
    daemon = await new FakeDaemon().listen();
    daemon.json('GET /containers/json', 200, []);
    daemon.json('GET /images/json', 200, [{
      Id: `sha256:${'ab'.repeat(32)}`, ParentId: '', RepoTags: ['busybox:latest', 'bb:1'], RepoDigests: [],
      Created: 1, Size: 1, SharedSize: -1, Labels: null, Containers: -1,
    }]);
    dir = mkdtempSync(join(tmpdir(), 'berth-config-'));
  });
  after(async () => {
    await daemon.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** A config directory holding `config` as config.json and the given contexts. */
  const configDir = (config: unknown, contexts: Record<string, string> = {}): string => {
    const d = mkdtempSync(join(dir, 'c-'));
    writeFileSync(join(d, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
    for (const [name, host] of Object.entries(contexts)) {
      const meta = join(d, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
      mkdirSync(meta, { recursive: true });
      writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
    }
    return d;
  };

  test('an unknown --context fails before any request, even with DOCKER_HOST set', async () => {
    const before = daemon.requests.length;
    const r = await runCaptured(['--context', 'nosuch', 'ps'], { env: { DOCKER_HOST: daemon.host } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Failed to initialize: unable to resolve docker endpoint: context "nosuch" does not exist\n');
    assert.equal(r.stdout, '');
    assert.equal(daemon.requests.length, before);
  });

  test('--context default uses the default daemon; DOCKER_CONTEXT is checked like --context', async () => {
    assert.equal((await runCaptured(['--context', 'default', 'ps', '-q'], { env: { DOCKER_HOST: daemon.host } })).code, 0);
    const r = await runCaptured(['ps'], { env: { DOCKER_CONTEXT: 'nosuch' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /context "nosuch" does not exist/);
    // as with docker, an explicit host (flag or DOCKER_HOST) outranks DOCKER_CONTEXT
    assert.equal((await runCaptured(['ps', '-q'], { env: { DOCKER_CONTEXT: 'nosuch', DOCKER_HOST: daemon.host } })).code, 0);
    assert.equal((await runCaptured(['-H', daemon.host, 'ps', '-q'], { env: { DOCKER_CONTEXT: 'nosuch' } })).code, 0);
  });

  test('--context with -H and two -H flags are refused as docker refuses them', async () => {
    let r = await runCaptured(['--context', 'default', '-H', daemon.host, 'ps']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'conflicting options: cannot specify both --host and --context\n');
    r = await runCaptured(['-H', daemon.host, '-H', daemon.host, 'ps']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Failed to initialize: unable to resolve docker endpoint: Specify only one -H\n');
  });

  test('an address berth cannot dial is refused before the command runs', async () => {
    const r = await runCaptured(['-H', 'bogus://x', 'ps']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Failed to initialize: unable to resolve docker endpoint: invalid bind address format: bogus://x\n');
  });

  test('-H without a scheme means TCP', async () => {
    const r = await runCaptured(['-H', '127.0.0.1:1', 'ps']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?\n');
  });

  test('contexts from the store: --context, DOCKER_CONTEXT and the config\'s currentContext', async () => {
    const d = configDir({ currentContext: 'mine' }, { mine: daemon.host, dead: 'unix:///nonexistent/ctx.sock' });
    assert.equal((await runCaptured(['--config', d, 'ps', '-q'])).code, 0);
    assert.equal((await runCaptured(['ps', '-q'], { env: { DOCKER_CONFIG: d } })).code, 0);
    const r = await runCaptured(['--config', d, '--context', 'dead', 'ps']);
    assert.equal(r.stderr, 'Cannot connect to the Docker daemon at unix:///nonexistent/ctx.sock. Is the docker daemon running?\n');
    assert.match((await runCaptured(['ps'], { env: { DOCKER_CONFIG: d, DOCKER_CONTEXT: 'dead' } })).stderr, /ctx\.sock/);
    const v = await runCaptured(['--config', d, 'version', '--format', '{{.Client.Context}}']);
    assert.equal(v.stdout, 'mine\n');
  });

  test('psFormat and imagesFormat from config.json stand in for --format', async () => {
    const d = configDir({ psFormat: 'PS {{.ID}}', imagesFormat: '{{.Repository}}={{.Tag}}' });
    daemon.json('GET /containers/json', 200, [{
      Id: 'f'.repeat(64), Names: ['/web'], Image: 'busybox', ImageID: 'sha256:aa', Command: 'sh', Created: 1, Ports: [],
      Labels: {}, State: 'running', Status: 'Up 2 hours', Mounts: [], NetworkSettings: { Networks: {} },
    }]);
    const env = { DOCKER_CONFIG: d, DOCKER_HOST: daemon.host };
    assert.equal((await runCaptured(['ps'], { env })).stdout, `PS ${'f'.repeat(12)}\n`);
    assert.equal((await runCaptured(['ps', '--format', '{{.Names}}'], { env })).stdout, 'web\n');
    assert.equal((await runCaptured(['ps', '-q'], { env })).stdout, `${'f'.repeat(12)}\n`);
    assert.equal((await runCaptured(['images'], { env })).stdout, 'busybox=latest\nbb=1\n');
    daemon.json('GET /containers/json', 200, []);
  });

  test('detachKeys from config.json is the default of --detach-keys', async () => {
    const d = configDir({ detachKeys: 'ctrl-x,x' });
    daemon.json('POST /containers/web/exec', 201, { Id: 'e1' });
    daemon.on('POST /exec/e1/start', (_req, res) => { res.writeHead(200); res.end(); });
    const env = { DOCKER_CONFIG: d, DOCKER_HOST: daemon.host };
    assert.equal((await runCaptured(['exec', '-d', 'web', 'true'], { env })).code, 0);
    assert.equal(JSON.parse(daemon.seen('POST /containers/web/exec').at(-1)!.body).DetachKeys, 'ctrl-x,x');
    assert.equal((await runCaptured(['exec', '-d', '--detach-keys', 'ctrl-y', 'web', 'true'], { env })).code, 0);
    assert.equal(JSON.parse(daemon.seen('POST /containers/web/exec').at(-1)!.body).DetachKeys, 'ctrl-y');
  });

  test('a config.json that does not parse is reported as docker reports it, then ignored', async () => {
    const d = configDir('{bad');
    const r = await runCaptured(['ps', '-q'], { env: { DOCKER_CONFIG: d, DOCKER_HOST: daemon.host } });
    assert.equal(r.code, 0);
    assert.match(r.stderr, new RegExp(`^WARNING: Error parsing config file \\(${d}/config\\.json\\): `));
  });

  test('DOCKER_API_VERSION picks the API version of every request', async () => {
    await runCaptured(['ps', '-q'], { env: { DOCKER_HOST: daemon.host, DOCKER_API_VERSION: '1.41' } });
    assert.equal(daemon.seen('GET /containers/json').at(-1)!.version, '1.41');
    await runCaptured(['ps', '-q'], { env: { DOCKER_HOST: daemon.host } });
    assert.equal(daemon.seen('GET /containers/json').at(-1)!.version, '1.50');
  });
});
