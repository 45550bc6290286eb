// Cross-repository mounts: a layer berthd knows is in another repository of the same registry is
// mounted there instead of uploaded, as the docker CLI shows it ("Mounted from <repo>"); the record
// of where blobs are survives a daemon restart.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { includes, ok } from '../helpers/assert.js';
import { startRegistry, type Registry } from '../helpers/registry.js';

describe('compat: push mounts layers from other repositories of the registry', { skip: skipReason(compatNeeds) }, () => {
  let reg: Registry;
  let d: Daemon;

  before(async () => {
    reg = await startRegistry();
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
    await reg?.cleanup();
  });

  /** The blob uploads the registry saw since `from` in its log: mounts and plain uploads. */
  const posts = (from: number): { mounts: string[]; uploads: number } => {
    const entries = reg.log().slice(from).split('\n').filter((l) => l.includes('"method":"POST"'));
    return {
      mounts: entries.filter((l) => l.includes('mount=')).map((l) => /from=([^"&]+)/.exec(l)?.[1] ?? '').map(decodeURIComponent),
      uploads: entries.filter((l) => !l.includes('mount=')).length,
    };
  };

  it('a layer pushed to one repository is mounted into the next', async () => {
    ok(await d.docker(['tag', 'busybox', `${reg.addr}/team/one:1`]));
    const first = ok(await d.docker(['push', `${reg.addr}/team/one:1`]));
    includes(first, /: Pushed$/m);
    ok(await d.docker(['tag', 'busybox', `${reg.addr}/team/two:1`]));
    const mark = reg.log().length;
    const second = ok(await d.docker(['push', `${reg.addr}/team/two:1`]));
    includes(second, /^[0-9a-f]{12}: Mounted from team\/one$/m);
    assert.doesNotMatch(second, /: Pushed$/m);
    const seen = posts(mark);
    assert.deepEqual(seen.mounts, ['team/one']);
    // Only the config went up as an upload.
    assert.equal(seen.uploads, 1);
    // The registry serves the mounted image.
    ok(await d.docker(['rmi', `${reg.addr}/team/two:1`]));
    ok(await d.docker(['pull', `${reg.addr}/team/two:1`]));
  });

  it('what was pulled is remembered too, across a daemon restart', async () => {
    assert.ok(existsSync(join(d.dataRoot, 'image', 'blob-sources.json')));
    await d.restart();
    ok(await d.docker(['tag', 'busybox', `${reg.addr}/team/three:1`]));
    const out = ok(await d.docker(['push', `${reg.addr}/team/three:1`]));
    // team/two was pulled last, so it is the newest place the layer is known to be.
    includes(out, /: Mounted from team\/two$/m);
  });

  it('a registry that answers a mount with a new upload session gets the session cancelled and the layer uploaded', async () => {
    // A proxy that drops ?mount=&from=, so the registry opens a session (202) instead of mounting.
    const up = new URL(reg.url);
    const proxy = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      url.searchParams.delete('mount');
      url.searchParams.delete('from');
      const fwd = request({ host: up.hostname, port: up.port, method: req.method, path: url.pathname + url.search, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(fwd);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const addr = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      ok(await d.docker(['tag', 'busybox', `${addr}/team/one:1`]));
      ok(await d.docker(['push', `${addr}/team/one:1`]));
      ok(await d.docker(['tag', 'busybox', `${addr}/team/four:1`]));
      const mark = reg.log().length;
      const out = ok(await d.docker(['push', `${addr}/team/four:1`]));
      includes(out, /: Pushed$/m);
      assert.doesNotMatch(out, /Mounted from/);
      assert.match(reg.log().slice(mark), /"method":"DELETE","path":"\/v2\/team\/four\/blobs\/uploads\//);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('a layer known only on another registry is uploaded there, not mounted', async () => {
    // Another registry: the record names repositories on the first one only, so nothing is tried there.
    const other = await startRegistry();
    try {
      ok(await d.docker(['tag', 'busybox', `${other.addr}/solo/x:1`]));
      const out = ok(await d.docker(['push', `${other.addr}/solo/x:1`]));
      includes(out, /: Pushed$/m);
      assert.doesNotMatch(other.log(), /mount=/);
    } finally {
      await other.cleanup();
    }
  });
});
