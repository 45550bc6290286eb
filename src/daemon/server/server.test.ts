import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer, openConnection } from './testing/index.js';
import { readJson } from './context.js';
import { sendJson } from './respond.js';
import { addUnservedEndpoints } from './engine-endpoints.js';

describe('ApiServer, in process', () => {
  const seen: Array<{ path: string; apiVersion: string; body?: unknown }> = [];
  let bodyReadStarted: () => void = () => {};
  const t = new TestApiServer((r) => {
    r.add('GET', '/_ping', async (ctx) => sendJson(ctx, 200, 'OK'));
    r.add('GET', '/probe', async (ctx) => {
      seen.push({ path: ctx.path, apiVersion: ctx.apiVersion });
      sendJson(ctx, 200, { apiVersion: ctx.apiVersion });
    });
    r.add('POST', '/echo', async (ctx) => {
      const body = await readJson(ctx);
      seen.push({ path: ctx.path, apiVersion: ctx.apiVersion, body });
      sendJson(ctx, 200, body);
    });
    r.add('POST', '/read-body', async (ctx) => {
      bodyReadStarted();
      sendJson(ctx, 200, await readJson(ctx));
    });
    r.add('GET', '/internal-stream-failure', async () => {
      throw Object.assign(new Error('layer stream closed early'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    });
    r.add('DELETE', '/images/{name*}', async (ctx) => sendJson(ctx, 200, [{ Deleted: ctx.params.name }]));
    r.add('GET', '/images/{name*}/json', async (ctx) => sendJson(ctx, 200, { Id: ctx.params.name }));
    addUnservedEndpoints(r);
  });
  after(() => t.close());

  const jsonMessage = (text: string): string => {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    assert.equal(typeof m, 'string', text);
    return m as string;
  };

  for (const target of ['//[', 'http://[/_ping']) {
    it(`answers a target the URL parser refuses (${target}) with a JSON 400 and closes`, async () => {
      const x = await t.raw(`GET ${target} HTTP/1.1\r\nHost: berth\r\n\r\n`);
      assert.equal(x.response?.status, 400, x.raw);
      assert.match(jsonMessage(x.response!.text), /invalid request target/);
      assert.equal(x.closed, true);
    });
  }

  it('answers an HTTP/1.1 request without Host with a JSON 400 and closes; HTTP/1.0 needs none', async () => {
    const x = await t.raw('GET /_ping HTTP/1.1\r\n\r\n');
    assert.equal(x.response?.status, 400, x.raw);
    assert.equal(x.response!.headers['content-type'], 'application/json');
    assert.equal(jsonMessage(x.response!.text), 'missing required Host header');
    assert.equal(x.closed, true);
    const old = await t.raw('GET /_ping HTTP/1.0\r\n\r\n');
    assert.equal(old.response?.status, 200, old.raw);
  });

  it('answers an upgrade to a route that takes none with a JSON 400, and to an unknown one with a JSON 404', async () => {
    const x = await t.raw('POST /echo HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    assert.equal(x.response?.status, 400, x.raw);
    assert.match(jsonMessage(x.response!.text), /cannot take over the connection/);
    assert.equal(x.closed, true);
    const y = await t.raw('POST /nope HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    assert.equal(y.response?.status, 404, y.raw);
    assert.equal(jsonMessage(y.response!.text), 'page not found');
  });

  it('answers what the HTTP parser refuses in JSON', async () => {
    const x = await t.raw('NOT HTTP AT ALL\r\n\r\n');
    assert.equal(x.response?.status, 400, x.raw);
    assert.match(jsonMessage(x.response!.text), /bad request/);
  });

  it('keeps a route for the method ahead of a wrong-method match: image save and load are 501, not 405', async () => {
    const errorsBefore = t.errorLogs().length;
    for (const [method, path] of [['GET', '/images/busybox/get'], ['GET', '/v1.41/images/library/busybox:latest/get'], ['POST', '/images/load'], ['GET', '/images/get']] as const) {
      const r = await t.request({ method, path });
      assert.equal(r.status, 501, `${method} ${path}: ${r.text}`);
      assert.match(jsonMessage(r.text), /is not implemented by berth yet/);
    }
    // A client asking for what berth lacks is not a daemon error.
    assert.deepEqual(t.errorLogs().slice(errorsBefore), []);
    assert.equal((await t.request({ method: 'DELETE', path: '/images/a/b:c' })).json<Array<{ Deleted: string }>>()[0]!.Deleted, 'a/b:c');
    assert.equal((await t.request('/images/a/b:c/json')).json<{ Id: string }>().Id, 'a/b:c');
  });

  it('answers lookups of objects berth has none of yet with Docker\'s 404, so docker inspect moves on', async () => {
    const cases: Array<[string, string]> = [
      ['/networks/web', 'network web not found'],
      ['/volumes/data', 'get data: no such volume'],
      ['/plugins/vieux/sshfs:latest/json', 'plugin "vieux/sshfs:latest" not found'],
      ['/exec/abc/json', 'No such exec instance: abc'],
    ];
    for (const [path, message] of cases) {
      const r = await t.request(path);
      assert.equal(r.status, 404, `${path}: ${r.text}`);
      assert.equal(jsonMessage(r.text), message);
    }
  });

  it('tells an unknown path (404) from a wrong method (405), both in JSON', async () => {
    const nf = await t.request('/no/such/endpoint');
    assert.equal(nf.status, 404);
    assert.equal(jsonMessage(nf.text), 'page not found');
    const wm = await t.request({ method: 'PUT', path: '/echo' });
    assert.equal(wm.status, 405);
    assert.equal(jsonMessage(wm.text), 'method not allowed');
  });

  it('passes the negotiated API version to the route and refuses versions out of range', async () => {
    assert.equal((await t.request('/v1.41/probe')).json<{ apiVersion: string }>().apiVersion, '1.41');
    assert.equal((await t.request('/probe')).json<{ apiVersion: string }>().apiVersion, '1.50');
    const old = await t.request('/v1.12/probe');
    assert.equal(old.status, 400);
    assert.match(jsonMessage(old.text), /client version 1.12 is too old. Minimum supported API version is 1.24/);
    const young = await t.request('/v9.99/probe');
    assert.equal(young.status, 400);
    assert.match(jsonMessage(young.text), /client version 9.99 is too new. Maximum supported API version is 1.50/);
  });

  it('decodes path parameters and refuses bad escapes with 400', async () => {
    for (const path of ['/images/%zz/json', '/v1.50/images/%C0%80/json']) {
      const r = await t.request(path);
      assert.equal(r.status, 400, path);
      assert.match(jsonMessage(r.text), /invalid escape in path/);
    }
  });

  it('logs a client that leaves mid-request at debug, without an error or a stack', { timeout: 5000 }, async () => {
    const errorsBefore = t.errorLogs().length;
    const client = openConnection(t.server);
    const entered = new Promise<void>((resolve) => (bodyReadStarted = resolve));
    client.write('POST /read-body HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"partial":');
    // Leave only once the route is reading the body.
    await entered;
    client.destroy();
    while (!t.logs.some((l) => /client went away/.test(l.msg))) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(t.errorLogs().slice(errorsBefore), []);
    assert.ok(t.logs.some((l) => l.level === 'debug' && /client went away/.test(l.msg)), JSON.stringify(t.logs.slice(-3)));
  });

  it('still answers an internal stream failure while the client is there (500 in JSON)', async () => {
    const r = await t.request('/internal-stream-failure');
    assert.equal(r.status, 500);
    assert.equal(jsonMessage(r.text), 'layer stream closed early');
  });

  it('serves a keep-alive connection request after request', async () => {
    const x = await t.raw('GET /probe HTTP/1.1\r\nHost: berth\r\n\r\n', { until: 'response' });
    assert.equal(x.response?.status, 200);
    assert.equal(x.closed, false);
  });
});
