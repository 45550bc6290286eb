// `docker search` (and `berth search`) through berthd: against `berth registry serve`, which
// answers the v1 search API from its catalog, against Distribution 2.8, which has no such API,
// and against Docker Hub, which these machines cannot reach.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { fails, includes, lines, ok, waitFor } from '../helpers/assert.js';
import { startRegistry, type Registry } from '../helpers/registry.js';

const REGISTRY_BIN = '/usr/bin/docker-registry';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('compat: docker search through berthd', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), REGISTRY_BIN] }) }, () => {
  let reg: Registry;
  let d: Daemon;
  let dist: ChildProcess | undefined;
  let distPort = 0;

  before(async () => {
    reg = await startRegistry();
    d = await startDaemon();
    for (const repo of ['library/busybox', 'team/busybox-tools', 'team/app']) {
      ok(await d.docker(['tag', 'busybox', `${reg.addr}/${repo}:1`]));
      ok(await d.docker(['push', `${reg.addr}/${repo}:1`]));
    }
    distPort = await freePort();
    const dir = join(d.base, 'distribution');
    mkdirSync(join(dir, 'root'), { recursive: true });
    writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'root')}\nhttp:\n  addr: 127.0.0.1:${distPort}\n`);
    dist = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    await waitFor('Distribution to answer /v2/', async () => (await fetch(`http://127.0.0.1:${distPort}/v2/`).catch(() => undefined))?.status === 200);
  });
  after(async () => {
    if (dist && dist.exitCode === null) {
      const gone = new Promise((r) => dist!.once('exit', r));
      dist.kill('SIGTERM');
      await gone;
    }
    await d?.stop();
    await reg?.cleanup();
  });

  it('lists the matching repositories with docker\'s columns', async () => {
    const out = ok(await d.docker(['search', `${reg.addr}/busybox`]));
    assert.deepEqual(lines(out).map((l) => l.split(/\s+/).filter(Boolean)), [
      ['NAME', 'DESCRIPTION', 'STARS', 'OFFICIAL'],
      ['library/busybox', '0'],
      ['team/busybox-tools', '0'],
    ]);
    // bin/berth prints exactly what the docker CLI prints.
    assert.equal(ok(await d.berth(['search', `${reg.addr}/busybox`])), out);
  });

  it('--limit, --filter and --format', async () => {
    assert.deepEqual(lines(ok(await d.docker(['search', '--limit', '1', '--format', '{{.Name}}', `${reg.addr}/team`]))), ['team/app']);
    assert.deepEqual(lines(ok(await d.docker(['search', '--format', '{{.Name}} {{.StarCount}}', `${reg.addr}/team`]))), ['team/app 0', 'team/busybox-tools 0']);
    assert.deepEqual(lines(ok(await d.docker(['search', '--filter', 'is-official=true', '--format', '{{.Name}}', `${reg.addr}/busybox`]))), []);
    assert.deepEqual(lines(ok(await d.docker(['search', '--filter', 'stars=0', '--filter', 'is-official=false', '--format', '{{.Name}}', `${reg.addr}/busybox`]))), ['library/busybox', 'team/busybox-tools']);
    const bad = await d.docker(['search', '--filter', 'colour=red', `${reg.addr}/busybox`]);
    fails(bad);
    includes(bad.stderr, "Error response from daemon: invalid filter 'colour'");
    const limit = await d.docker(['search', '--limit', '101', `${reg.addr}/busybox`]);
    fails(limit);
    includes(limit.stderr, 'Error response from daemon: limit 101 is outside the range of [1, 100]');
    const api = await d.api({ method: 'GET', path: `/images/search?term=${encodeURIComponent(`${reg.addr}/app`)}` });
    assert.equal(api.status, 200);
    assert.deepEqual(JSON.parse(api.body), [{ star_count: 0, is_official: false, name: 'team/app', is_automated: false, description: '' }]);
  });

  it('a registry without the search API, and an unreachable Docker Hub, fail at once with what went wrong', async () => {
    const t0 = Date.now();
    const r = await d.docker(['search', `127.0.0.1:${distPort}/busybox`]);
    fails(r);
    includes(r.stderr, `Error response from daemon: Unexpected status code 404: 127.0.0.1:${distPort} does not offer the search API`);
    const hub = await d.docker(['search', 'busybox'], { timeoutMs: 30_000 });
    fails(hub);
    includes(hub.stderr, 'Error response from daemon: Get "https://index.docker.io/v2/"');
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
  });
});
