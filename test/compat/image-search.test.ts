// `docker search` (and `berth search`) through berthd: against `berth registry serve`, which
// answers the v1 search API from its catalog, against Distribution 2.8, which has no such API,
// and against Docker Hub, which these machines cannot reach.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { fails, includes, lines, ok } from '../helpers/assert.js';
import { distributionBin, startDistribution, type Distribution } from '../helpers/distribution.js';
import { startRegistry, type Registry } from '../helpers/registry.js';

describe('compat: docker search through berthd', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), distributionBin] }) }, () => {
  let reg: Registry;
  let d: Daemon;
  let dist: Distribution | undefined;

  before(async () => {
    reg = await startRegistry();
    d = await startDaemon();
    for (const repo of ['library/busybox', 'team/busybox-tools', 'team/app']) {
      ok(await d.docker(['tag', 'busybox', `${reg.addr}/${repo}:1`]));
      ok(await d.docker(['push', `${reg.addr}/${repo}:1`]));
    }
    dist = await startDistribution(join(d.base, 'distribution'));
  });
  after(async () => {
    await dist?.stop();
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
    const r = await d.docker(['search', `${dist!.addr}/busybox`]);
    fails(r);
    includes(r.stderr, `Error response from daemon: Unexpected status code 404: ${dist!.addr} does not offer the search API`);
    const hub = await d.docker(['search', 'busybox'], { timeoutMs: 30_000 });
    fails(hub);
    includes(hub.stderr, 'Error response from daemon: Get "https://index.docker.io/v2/"');
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
  });
});
