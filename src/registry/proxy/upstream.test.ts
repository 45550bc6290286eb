import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { errorResponse } from '../errors.js';
import { UpstreamRegistry, upstreamError } from './upstream.js';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('UpstreamRegistry', () => {
  const servers: Server[] = [];
  after(() => { for (const s of servers) s.close(); });

  it('answers a bearer challenge with a token for the pull scope, asked with the proxy credentials, and reuses it', async () => {
    const tokenAsks: string[] = [];
    let reg = '';
    const { server, url } = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/token') {
        tokenAsks.push(`${req.headers.authorization} ${u.searchParams.get('service')} ${u.searchParams.get('scope')}`);
        res.end(JSON.stringify({ token: 'tok', expires_in: 300 }));
        return;
      }
      if (req.headers.authorization !== 'Bearer tok') {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${reg}/token",service="up",scope="repository:a/b:pull"` });
        res.end();
        return;
      }
      res.end('ok');
    });
    reg = url;
    servers.push(server);
    const up = new UpstreamRegistry({ url, username: 'u', password: 'p' });
    for (let i = 0; i < 3; i++) {
      const res = await up.request('GET', '/v2/a/b/manifests/x', 'a/b');
      assert.equal(res.statusCode, 200);
      res.resume();
    }
    assert.deepEqual(tokenAsks, [`Basic ${Buffer.from('u:p').toString('base64')} up repository:a/b:pull`]);
  });

  it('sends Basic credentials when the upstream asks for them', async () => {
    const { server, url } = await serve((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' });
        res.end();
        return;
      }
      res.end('ok');
    });
    servers.push(server);
    const res = await new UpstreamRegistry({ url, username: 'u', password: 'p' }).request('HEAD', '/v2/a/blobs/x', 'a');
    assert.equal(res.statusCode, 200);
    res.resume();
    const anon = await new UpstreamRegistry({ url }).request('HEAD', '/v2/a/blobs/x', 'a');
    assert.equal(errorResponse(await upstreamError(anon, 'blob')).code, 'DENIED');
  });

  it('maps upstream answers to the errors a client understands', async () => {
    const { server, url } = await serve((req, res) => {
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status'));
      const code = new URL(req.url!, 'http://x').searchParams.get('code');
      res.writeHead(status, { 'Content-Type': 'application/json', 'Retry-After': '7' });
      res.end(code ? JSON.stringify({ errors: [{ code }] }) : '');
    });
    servers.push(server);
    const up = new UpstreamRegistry({ url });
    const map = async (q: string, what: 'manifest' | 'blob' | 'tags') => errorResponse(await upstreamError(await up.request('GET', `/v2/a/x?${q}`, 'a'), what));
    assert.equal((await map('status=404', 'manifest')).code, 'MANIFEST_UNKNOWN');
    assert.equal((await map('status=404', 'blob')).code, 'BLOB_UNKNOWN');
    assert.equal((await map('status=404&code=NAME_UNKNOWN', 'manifest')).code, 'NAME_UNKNOWN');
    const tooMany = await map('status=429', 'blob');
    assert.equal(tooMany.status, 429);
    assert.equal(tooMany.headers['Retry-After'], '7');
    const down = await map('status=502', 'manifest');
    assert.equal(down.status, 503);
    assert.equal(down.code, 'UNAVAILABLE');
  });

  it('answers 503 UNAVAILABLE at once when the upstream refuses connections', async () => {
    const { server, url } = await serve(() => {});
    await new Promise<void>((ok) => server.close(() => ok()));
    const t0 = Date.now();
    await assert.rejects(new UpstreamRegistry({ url }).request('GET', '/v2/', 'a'), (err: unknown) => {
      const e = errorResponse(err);
      return e.status === 503 && e.code === 'UNAVAILABLE' && /connection refused/.test(e.body.errors[0]!.message);
    });
    assert.ok(Date.now() - t0 < 5_000);
  });

  it('answers 503 when the upstream accepts but never answers, within the headers timeout', async () => {
    const { server, url } = await serve(() => { /* never answers */ });
    servers.push(server);
    await assert.rejects(new UpstreamRegistry({ url, headersTimeoutMs: 300 }).request('GET', '/v2/', 'a'), (err: unknown) => errorResponse(err).code === 'UNAVAILABLE');
    server.closeAllConnections();
  });
});
