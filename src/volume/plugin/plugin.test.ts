import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import { link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { kindOf } from '../../lib/errors/index.js';
import { callPlugin, parsePluginAddress, PLUGIN_MEDIA_TYPE } from './client.js';
import { findPlugin, validatePluginName } from './discovery.js';
import { PluginDrivers } from './driver.js';
import { startVolumePlugin, type TestVolumePlugin } from '../../../test/helpers/volume-plugin.js';

function listen(server: Server, where: string | 0): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (where === 0) server.listen(0, '127.0.0.1', () => resolve());
    else server.listen(where, () => resolve());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

describe('callPlugin', () => {
  let dir: string;
  const servers: Server[] = [];
  const serve = async (handler: RequestListener, name = `s${servers.length}.sock`): Promise<string> => {
    const s = createServer(handler);
    servers.push(s);
    const path = join(dir, name);
    await listen(s, path);
    return path;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plugc-'));
  });
  after(async () => {
    for (const s of servers) await close(s);
    await rm(dir, { recursive: true, force: true });
  });

  it('POSTs JSON to /<method> with Docker\'s plugin media type and answers the decoded object', async () => {
    let seen: { url?: string; method?: string; accept?: string; type?: string; body?: string } = {};
    const sock = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { url: req.url, method: req.method, accept: req.headers.accept, type: req.headers['content-type'], body };
        res.end(JSON.stringify({ Mountpoint: '/x', Err: '' }));
      });
    });
    const res = await callPlugin(sock, 'VolumeDriver.Mount', { Name: 'v', ID: 'c1' });
    assert.deepEqual(res, { Mountpoint: '/x', Err: '' });
    assert.deepEqual(seen, { url: '/VolumeDriver.Mount', method: 'POST', accept: PLUGIN_MEDIA_TYPE, type: PLUGIN_MEDIA_TYPE, body: '{"Name":"v","ID":"c1"}' });
    assert.deepEqual(await callPlugin(`unix://${sock}`, 'VolumeDriver.Mount', {}), { Mountpoint: '/x', Err: '' });
  });

  it('an Err in a 200 answer is the error\'s message as it is; another status prefixes the method, as Docker does', async () => {
    const text = 'quota of "tank" exceeded: 3 > 2 (see https://example.test/q?a=1&b=2)';
    const ok = await serve((_req, res) => res.end(JSON.stringify({ Err: text })));
    await assert.rejects(callPlugin(ok, 'VolumeDriver.Create', {}), (e) => (e as Error).message === text && kindOf(e) === 'internal');
    const bad = await serve((_req, res) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ Err: text }));
    });
    await assert.rejects(callPlugin(bad, 'VolumeDriver.Create', {}), { message: `VolumeDriver.Create: ${text}` });
    const plain = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('404 page not found\n');
    });
    await assert.rejects(callPlugin(plain, 'VolumeDriver.Get', {}), { message: 'VolumeDriver.Get: 404 page not found' });
    const junk = await serve((_req, res) => res.end('not json'));
    await assert.rejects(callPlugin(junk, 'VolumeDriver.Get', {}), { message: 'VolumeDriver.Get: the plugin\'s answer is not a JSON object' });
  });

  it('refuses an answer over 1 MiB', async () => {
    const sock = await serve((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let left = 40; // 2.5 MiB of spaces: valid JSON whitespace, never an object
      const more = (): void => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) {
            res.once('drain', more);
            return;
          }
        }
        res.end('{}');
      };
      res.on('error', () => {});
      more();
    });
    await assert.rejects(callPlugin(sock, 'VolumeDriver.List', {}), (e) => /answered more than 1048576 bytes/.test((e as Error).message) && kindOf(e) === 'internal');
    // Under the cap the same padding is fine.
    assert.deepEqual(await callPlugin(sock, 'VolumeDriver.List', {}, { maxBytes: 4 << 20 }), {});
  });

  it('a dead socket is unavailable, with a message that says so', async () => {
    await assert.rejects(callPlugin(join(dir, 'none.sock'), 'Plugin.Activate', {}), (e) => kindOf(e) === 'unavailable'
      && (e as Error).message === `Plugin.Activate: the plugin at unix://${join(dir, 'none.sock')} is not running (no such socket)`);
    // A socket file nobody listens on (the listener closed; a second link to it stays).
    const s = createServer();
    const live = join(dir, 'gone.sock');
    await listen(s, live);
    await link(live, join(dir, 'stale.sock'));
    await close(s);
    await assert.rejects(callPlugin(join(dir, 'stale.sock'), 'Plugin.Activate', {}), (e) => kindOf(e) === 'unavailable' && /is not running \(connection refused\)/.test((e as Error).message));
  });

  it('gives up on a plugin that does not answer in time', async () => {
    const sock = await serve(() => {});
    await assert.rejects(callPlugin(sock, 'VolumeDriver.Mount', {}, { timeoutMs: 200 }), (e) => kindOf(e) === 'unavailable' && /did not answer within 0.2 s/.test((e as Error).message));
  });

  it('speaks to a tcp address too', async () => {
    const s = createServer((req, res) => res.end(JSON.stringify({ Implements: ['VolumeDriver'], path: req.url })));
    servers.push(s);
    await listen(s, 0);
    const { port } = s.address() as AddressInfo;
    assert.deepEqual(await callPlugin(`tcp://127.0.0.1:${port}`, 'Plugin.Activate', {}), { Implements: ['VolumeDriver'], path: '/Plugin.Activate' });
  });

  it('parses addresses', () => {
    assert.deepEqual(parsePluginAddress('unix:///run/p.sock\n'), { kind: 'unix', path: '/run/p.sock' });
    assert.deepEqual(parsePluginAddress('/run/p.sock'), { kind: 'unix', path: '/run/p.sock' });
    assert.deepEqual(parsePluginAddress('tcp://10.0.0.1:8080'), { kind: 'tcp', host: '10.0.0.1', port: 8080 });
    assert.deepEqual(parsePluginAddress('http://[::1]:80'), { kind: 'tcp', host: '::1', port: 80 });
    for (const bad of ['', 'unix://rel.sock', 'https://h:1', 'tcp://h', 'tcp://h:1/path', 'rel.sock']) {
      assert.throws(() => parsePluginAddress(bad), (e) => kindOf(e) === 'invalid-argument', bad);
    }
  });
});

describe('findPlugin', () => {
  let base: string;
  const servers: Server[] = [];
  const sock = async (path: string): Promise<void> => {
    const s = createServer();
    servers.push(s);
    await listen(s, path);
  };
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'plugd-'));
    for (const d of ['a', 'b', 'a/nested']) await mkdir(join(base, d), { recursive: true });
  });
  after(async () => {
    for (const s of servers) await close(s);
    await rm(base, { recursive: true, force: true });
  });

  it('finds <dir>/<name>.sock and <dir>/<name>/<name>.sock, earlier dirs first', async () => {
    const [a, b] = [join(base, 'a'), join(base, 'b')];
    await sock(join(b, 'one.sock'));
    assert.deepEqual(await findPlugin('one', [a, b]), { kind: 'unix', path: join(b, 'one.sock') });
    await sock(join(a, 'nested', 'nested.sock'));
    assert.deepEqual(await findPlugin('nested', [a, b]), { kind: 'unix', path: join(a, 'nested', 'nested.sock') });
    await sock(join(a, 'one.sock'));
    assert.deepEqual(await findPlugin('one', [a, b]), { kind: 'unix', path: join(a, 'one.sock') });
    // A regular file named .sock is no socket.
    await writeFile(join(a, 'file.sock'), '');
    assert.equal(await findPlugin('file', [a, b]), undefined);
    assert.equal(await findPlugin('absent', [a, b, join(base, 'no-such-dir')]), undefined);
  });

  it('reads .spec (an address) and .json (Addr); a socket anywhere wins over a spec file', async () => {
    const [a, b] = [join(base, 'a'), join(base, 'b')];
    await writeFile(join(a, 'spec1.spec'), 'unix:///run/elsewhere/p.sock\n');
    await writeFile(join(a, 'spec2.spec'), 'tcp://127.0.0.1:4321');
    await writeFile(join(b, 'js.json'), JSON.stringify({ Name: 'js', Addr: 'tcp://localhost:99' }));
    assert.deepEqual(await findPlugin('spec1', [a, b]), { kind: 'unix', path: '/run/elsewhere/p.sock' });
    assert.deepEqual(await findPlugin('spec2', [a, b]), { kind: 'tcp', host: '127.0.0.1', port: 4321 });
    assert.deepEqual(await findPlugin('js', [a, b]), { kind: 'tcp', host: 'localhost', port: 99 });
    await sock(join(b, 'spec1.sock'));
    assert.deepEqual(await findPlugin('spec1', [a, b]), { kind: 'unix', path: join(b, 'spec1.sock') });
    await writeFile(join(a, 'junk.spec'), 'ftp://x');
    await assert.rejects(findPlugin('junk', [a]), (e) => kindOf(e) === 'invalid-argument' && /junk\.spec/.test((e as Error).message));
    await writeFile(join(a, 'noaddr.json'), '{"Name":"noaddr"}');
    await assert.rejects(findPlugin('noaddr', [a]), { message: `plugin spec ${join(a, 'noaddr.json')}: no Addr` });
  });

  it('refuses names that are not one path component', async () => {
    for (const bad of ['', '.', '..', 'a/b', '../a', 'a/../../b', '/abs', 'a\\b', 'a\0b']) {
      await assert.rejects(findPlugin(bad, [base]), (e) => kindOf(e) === 'invalid-argument', JSON.stringify(bad));
    }
    assert.doesNotThrow(() => validatePluginName('my-plugin_1.2'));
  });
});

describe('PluginDrivers', () => {
  let plug: TestVolumePlugin;
  before(async () => {
    plug = await startVolumePlugin('testplug');
  });
  after(() => plug.close());

  it('activates a plugin once and speaks VolumeDriver to it', async () => {
    const drivers = new PluginDrivers(['/nonexistent', plug.dir]);
    assert.deepEqual(drivers.activated(), []);
    const [d, again] = await Promise.all([drivers.driver('testplug'), drivers.driver('testplug')]);
    assert.equal(d, again);
    assert.deepEqual(drivers.activated(), [d], 'activated once used, what volume ls then asks');
    await d.create('v1', { size: '1g' });
    assert.equal(await d.path('v1'), join(plug.root, 'v1'));
    assert.equal(await d.mount('v1', 'c1'), join(plug.root, 'v1'));
    assert.deepEqual(await d.get('v1'), { Name: 'v1', Mountpoint: join(plug.root, 'v1'), Status: {} });
    assert.deepEqual((await d.list()).map((v) => v.Name), ['v1']);
    assert.deepEqual(await d.capabilities(), { Scope: 'local' });
    await d.unmount('v1', 'c1');
    await d.remove('v1');
    assert.equal(plug.callsOf('Plugin.Activate').length, 1);
    assert.deepEqual(plug.callsOf('Create')[0]!.body, { Name: 'v1', Opts: { size: '1g' } });
    assert.deepEqual(plug.callsOf('Mount')[0]!.body, { Name: 'v1', ID: 'c1' });
    assert.equal(plug.callsOf('Mount')[0]!.accept, PLUGIN_MEDIA_TYPE);
    plug.failWith('Remove', 'cannot remove: snapshots exist');
    await assert.rejects(d.remove('v1'), { message: 'cannot remove: snapshots exist' });
    plug.failWith('Remove', undefined);
  });

  it('a missing plugin is not found, in Docker\'s words; a bad name is refused', async () => {
    const drivers = new PluginDrivers([plug.dir]);
    await assert.rejects(drivers.driver('nope'), (e) => kindOf(e) === 'not-found' && (e as Error).message === 'error looking up volume plugin nope: plugin "nope" not found');
    await assert.rejects(drivers.driver('../testplug'), (e) => kindOf(e) === 'invalid-argument' && /^error looking up volume plugin \.\.\/testplug: invalid plugin name/.test((e as Error).message));
    assert.deepEqual(drivers.activated(), []);
  });

  it('a plugin that is no volume driver, or not running, fails the lookup clearly (and is looked up again next time)', async () => {
    const other = await startVolumePlugin('authz', { implements: ['authz'] });
    try {
      const drivers = new PluginDrivers([other.dir]);
      await assert.rejects(drivers.driver('authz'), (e) => kindOf(e) === 'invalid-argument'
        && (e as Error).message === 'error looking up volume plugin authz: plugin "authz" does not implement VolumeDriver (it implements: authz)');
      await other.close();
      await mkdir(other.dir, { recursive: true });
      await writeFile(join(other.dir, 'authz.spec'), `unix://${join(other.dir, 'authz.sock')}`);
      await assert.rejects(drivers.driver('authz'), (e) => kindOf(e) === 'unavailable' && /^error looking up volume plugin authz: Plugin.Activate: .* is not running/.test((e as Error).message));
    } finally {
      await other.close();
    }
  });
});
