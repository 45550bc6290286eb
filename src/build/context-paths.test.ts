import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteDest, contextRelative, destinationOf, hasWildcards, isWithin, segmentPattern } from './context-paths.js';

describe('build context path rules', () => {
  it('take sources relative to the context root, an absolute one from the root', () => {
    assert.equal(contextRelative('a/b/'), 'a/b');
    assert.equal(contextRelative('./a/../c'), 'c');
    assert.equal(contextRelative('.'), '');
    assert.equal(contextRelative('/etc/passwd'), 'etc/passwd');
    assert.equal(contextRelative('a/../../a'.replace('../../', '../')), 'a');
  });

  it('refuse a source that climbs out, in Docker\'s words', () => {
    for (const bad of ['..', '../x', 'a/../../x', './../x']) {
      assert.throws(() => contextRelative(bad), { message: `forbidden path outside the build context: ${bad} ()` });
    }
    assert.throws(() => contextRelative('a\0b'), /invalid source path/);
  });

  it('tell a host path inside the root from one beside it', () => {
    assert.equal(isWithin('/ctx', '/ctx'), true);
    assert.equal(isWithin('/ctx', '/ctx/a'), true);
    assert.equal(isWithin('/ctx', '/ctx2/a'), false);
    assert.equal(isWithin('/ctx/', '/etc'), false);
  });

  it('match wildcards per path segment as Go\'s filepath.Match', () => {
    assert.equal(hasWildcards('*.txt'), true);
    assert.equal(hasWildcards('a.txt'), false);
    assert.ok(segmentPattern('*.txt').test('a.txt'));
    assert.ok(!segmentPattern('*.txt').test('a.txt.bak'));
    assert.ok(segmentPattern('file?.md').test('file1.md'));
    assert.ok(segmentPattern('[a-c]x').test('bx'));
    assert.ok(!segmentPattern('[^a-c]x').test('bx'));
    assert.ok(segmentPattern('a\\*').test('a*'));
    assert.ok(!segmentPattern('a\\*').test('ab'));
    assert.throws(() => segmentPattern('[abc'), /syntax error in pattern/);
  });

  it('place sources with Docker\'s destination rules', () => {
    assert.equal(destinationOf({ name: 'a.txt', isDir: false }, '/app/', false), '/app/a.txt');
    assert.equal(destinationOf({ name: 'a.txt', isDir: false }, '/app', true), '/app/a.txt');
    assert.equal(destinationOf({ name: 'a.txt', isDir: false }, '/app', false), '/app');
    assert.equal(destinationOf({ name: 'src', isDir: true }, '/app/', false), '/app');
    assert.equal(destinationOf({ name: 'src', isDir: true }, '/', true), '/');
    assert.equal(absoluteDest('x', '/work'), '/work/x');
    assert.equal(absoluteDest('.', '/work'), '/work/');
    assert.equal(absoluteDest('sub/', '/work'), '/work/sub/');
    assert.equal(absoluteDest('/abs', '/work'), '/abs');
    assert.equal(absoluteDest('./', '/'), '/');
  });
});
