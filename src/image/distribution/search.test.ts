import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { searchFilter, searchRegistry, splitSearchTerm, type ImageSearchResult } from './search.js';

const item = (name: string, stars: number, official: boolean): ImageSearchResult => ({ star_count: stars, is_official: official, name, is_automated: false, description: '' });

describe('search', () => {
  it('splits the registry off a term as dockerd does', () => {
    assert.deepEqual(splitSearchTerm('busybox'), { index: 'docker.io', query: 'busybox' });
    assert.deepEqual(splitSearchTerm('team/app'), { index: 'docker.io', query: 'team/app' });
    assert.deepEqual(splitSearchTerm('127.0.0.1:5000/team/app'), { index: '127.0.0.1:5000', query: 'team/app' });
    assert.deepEqual(splitSearchTerm('localhost/app'), { index: 'localhost', query: 'app' });
    assert.deepEqual(splitSearchTerm('reg.example/app'), { index: 'reg.example', query: 'app' });
  });

  it('filters by is-official, is-automated and a minimum of stars; bad filters have dockerd\'s words', () => {
    const all = [item('a', 10, true), item('b', 3, false), item('c', 0, false)];
    const f = (m: Record<string, string[]>): string[] => all.filter(searchFilter(new Map(Object.entries(m)))).map((r) => r.name);
    assert.deepEqual(f({}), ['a', 'b', 'c']);
    assert.deepEqual(f({ 'is-official': ['true'] }), ['a']);
    assert.deepEqual(f({ 'is-official': ['false'], stars: ['1'] }), ['b']);
    assert.deepEqual(f({ stars: ['2', '5'] }), ['a']);
    assert.deepEqual(f({ 'is-automated': ['true'] }), []);
    assert.throws(() => f({ color: ['red'] }), (e: Error) => e instanceof InvalidArgumentError && e.message === "invalid filter 'color'");
    assert.throws(() => f({ 'is-official': ['yes'] }), /^InvalidArgumentError: invalid filter 'is-official=yes'$/);
    assert.throws(() => f({ stars: ['many'] }), /^InvalidArgumentError: invalid filter 'stars=many'$/);
  });

  describe('against a registry', () => {
    let server: Server;
    let host = '';
    const asked: string[] = [];
    before(async () => {
      server = createServer((req, res) => {
        asked.push(req.url ?? '');
        if (req.url === '/v2/') return void res.writeHead(200).end('{}');
        if (req.url?.startsWith('/v1/search') && !req.headers.host?.startsWith('localhost')) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          return void res.end(JSON.stringify({ query: 'x', num_results: 2, results: [{ name: 'team/x', description: 'X', star_count: 4, is_official: false }, { bogus: true }] }));
        }
        res.writeHead(404).end('404 page not found\n');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it('asks GET /v1/search?q=&n= and keeps well-formed results', async () => {
      const got = await searchRegistry({ term: `${host}/x`, limit: 7, insecureRegistries: [] });
      assert.deepEqual(got, [{ star_count: 4, is_official: false, name: 'team/x', is_automated: false, description: 'X' }]);
      assert.ok(asked.includes('/v1/search?q=x&n=7'), asked.join(' '));
    });

    it('refuses a limit outside 1..100 and a term with a scheme before asking', async () => {
      await assert.rejects(searchRegistry({ term: `${host}/x`, limit: 101, insecureRegistries: [] }), /^InvalidArgumentError: limit 101 is outside the range of \[1, 100\]$/);
      await assert.rejects(searchRegistry({ term: `http://${host}/x`, limit: 5, insecureRegistries: [] }), /should not have a scheme/);
    });

    it('a registry without the search API is a clear error', async () => {
      host = `localhost:${(server.address() as AddressInfo).port}`;
      await assert.rejects(searchRegistry({ term: `${host}/x`, limit: 5, insecureRegistries: [] }), (e: Error) => {
        assert.equal(e.message, `Unexpected status code 404: ${host} does not offer the search API (GET http://${host}/v1/search?q=x&n=5)`);
        return true;
      });
    });
  });
});
