import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DockerIgnore, ignoreFileCandidates } from './dockerignore.js';

describe('.dockerignore rules', () => {
  it('follow Docker\'s patterns: root-anchored, **, negation, comments', () => {
    const r = DockerIgnore.parse('# comment\nnode_modules\n*.log\n!keep.log\n**/tmp\n\n');
    assert.deepEqual(r.patterns, ['node_modules', '*.log', '!keep.log', '**/tmp']);
    assert.equal(r.hasExceptions, true);
    assert.equal(r.ignores('node_modules'), true);
    assert.equal(r.ignores('node_modules/a/b'), true);
    assert.equal(r.ignores('a.log'), true);
    assert.equal(r.ignores('src/a.log'), false, '*.log matches at the root only');
    assert.equal(r.ignores('keep.log'), false);
    assert.equal(r.ignores('a/b/tmp/x'), true);
    assert.equal(r.ignores('./src/main.ts'), false);
  });

  it('look for <Dockerfile>.dockerignore first', () => {
    assert.deepEqual(ignoreFileCandidates('docker/app.Dockerfile'), ['docker/app.Dockerfile.dockerignore', '.dockerignore']);
  });
});
