import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatScope, parseScope, scopeForAccess } from './scope.js';

describe('token scopes', () => {
  it('parse repository and catalog scopes, with a resource class and repeated actions', () => {
    assert.deepEqual(parseScope('repository:library/busybox:pull,push'), { type: 'repository', name: 'library/busybox', actions: ['pull', 'push'] });
    assert.deepEqual(parseScope('repository(plugin):a/b:pull'), { type: 'repository', name: 'a/b', actions: ['pull'] });
    assert.deepEqual(parseScope('registry:catalog:*'), { type: 'registry', name: 'catalog', actions: ['*'] });
    assert.deepEqual(parseScope('repository:a:pull,pull,'), { type: 'repository', name: 'a', actions: ['pull'] });
  });

  it('refuse what is not a scope', () => {
    for (const bad of ['', 'repository', 'repository:a', 'repository::pull', 'repository:A:pull', 'repository:a/../b:pull',
      'repository:a:', 'repository:a:PULL', 'registry:other:*', 'blob:a:pull', `repository:${'a'.repeat(600)}:pull`]) {
      assert.equal(parseScope(bad), undefined, bad);
    }
  });

  it('name the scope a request needs in a challenge', () => {
    assert.equal(formatScope(scopeForAccess({ type: 'repository', name: 'a/b', actions: ['pull', 'push'] })!), 'repository:a/b:pull,push');
    assert.equal(formatScope(scopeForAccess({ type: 'catalog' })!), 'registry:catalog:*');
    assert.equal(scopeForAccess({ type: 'base' }), undefined);
  });
});
