import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorResponse } from '../errors.js';
import { resolveRoute } from './index.js';
import { searchRepositories } from './search.js';

describe('v1 search', () => {
  const repos = ['library/busybox', 'team/busybox-tools', 'team/app', 'Other/BusyThing'];

  it('matches a substring of the name, any case, in Docker Hub\'s shape', () => {
    const r = searchRepositories(repos, 'busy', 25, 1);
    assert.deepEqual(r.results.map((x) => x.name), ['library/busybox', 'team/busybox-tools', 'Other/BusyThing']);
    assert.deepEqual(r.results[0], { name: 'library/busybox', description: '', star_count: 0, is_trusted: false, is_automated: false, is_official: false });
    assert.deepEqual({ ...r, results: undefined }, { num_pages: 1, num_results: 3, page_size: 25, page: 1, query: 'busy', results: undefined });
  });

  it('pages, with at most 100 a page', () => {
    const many = Array.from({ length: 250 }, (_, i) => `r/x${String(i).padStart(3, '0')}`);
    const p2 = searchRepositories(many, 'x', 1000, 2);
    assert.equal(p2.page_size, 100);
    assert.equal(p2.num_pages, 3);
    assert.equal(p2.results[0]!.name, 'r/x100');
    assert.equal(searchRepositories(many, 'x', 10, 30).results.length, 0);
  });

  it('is routed with the catalog\'s access; other methods and bad numbers are refused', () => {
    assert.deepEqual(resolveRoute('GET', '/v1/search').access, { type: 'catalog' });
    const status = (f: () => unknown): number => {
      try {
        f();
        return 0;
      } catch (err) {
        return errorResponse(err).status;
      }
    };
    assert.equal(status(() => resolveRoute('POST', '/v1/search')), 405);
  });
});
