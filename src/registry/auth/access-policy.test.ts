import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessPolicy } from './access-policy.js';

const sorted = (s: Set<string>): string[] => [...s].sort();

describe('access policy', () => {
  it('without rules lets every account do everything, and anonymous clients pull only if allowed', () => {
    const open = new AccessPolicy(undefined, false);
    assert.deepEqual(sorted(open.repositoryActions('alice', 'any/thing')), ['delete', 'pull', 'push']);
    assert.ok(open.mayListCatalog('alice'));
    assert.deepEqual(sorted(open.repositoryActions(undefined, 'any/thing')), []);
    assert.ok(!open.mayListCatalog(undefined));
    assert.deepEqual(sorted(new AccessPolicy(undefined, true).repositoryActions(undefined, 'x')), ['pull']);
  });

  it('applies rules by account and repository pattern, with * and ${account}', () => {
    const p = new AccessPolicy([
      { account: 'alice', repository: '*', actions: ['pull', 'push', 'delete'] },
      { account: '*', repository: '${account}/*', actions: ['pull', 'push'] },
      { account: '*', repository: 'library/*', actions: ['pull'] },
      { account: 'ops', catalog: true },
    ], false);
    assert.deepEqual(sorted(p.repositoryActions('alice', 'x/y/z')), ['delete', 'pull', 'push']);
    assert.deepEqual(sorted(p.repositoryActions('bob', 'bob/app')), ['pull', 'push']);
    assert.deepEqual(sorted(p.repositoryActions('bob', 'bob')), [], 'the pattern wants something after the slash');
    assert.deepEqual(sorted(p.repositoryActions('bob', 'bobby/app')), []);
    assert.deepEqual(sorted(p.repositoryActions('bob', 'library/busybox')), ['pull']);
    assert.deepEqual(sorted(p.repositoryActions('bob', 'alice/app')), []);
    assert.deepEqual(sorted(p.repositoryActions('a.b', 'aXb/app')), [], 'a dot in an account name is literal');
    assert.deepEqual(sorted(p.repositoryActions(undefined, 'library/busybox')), []);
    assert.ok(p.mayListCatalog('ops'));
    assert.ok(!p.mayListCatalog('bob'));
  });

  it('grants the allowed part of each asked scope and drops the rest (Docker\'s rule)', () => {
    const p = new AccessPolicy([{ account: '*', repository: 'library/*', actions: ['pull'] }, { account: 'bob', repository: 'bob/*', actions: ['pull', 'push'] }], true);
    assert.deepEqual(p.grant('bob', [
      { type: 'repository', name: 'library/busybox', actions: ['pull', 'push'] },
      { type: 'repository', name: 'bob/app', actions: ['*'] },
      { type: 'repository', name: 'alice/app', actions: ['delete'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]), [
      { type: 'repository', name: 'library/busybox', actions: ['pull'] },
      { type: 'repository', name: 'bob/app', actions: ['pull', 'push'] },
    ]);
    assert.deepEqual(p.grant(undefined, [{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }]), [
      { type: 'repository', name: 'alice/app', actions: ['pull'] },
    ]);
  });
});
