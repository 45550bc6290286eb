import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ArgScope, BuildArgValues } from './args.js';

describe('build args', () => {
  it('reach a stage only through a declaration; the build arg wins over the default', () => {
    const values = new BuildArgValues({ A: 'cli', B: 'cli-b', UNUSED: 'x', HTTP_PROXY: 'http://p' });
    const globals = new ArgScope(values);
    globals.declare('B', 'global-b');
    globals.declare('G', 'global-g');
    const stage = new ArgScope(values, globals);
    assert.equal(stage.valueOf('A'), undefined);
    stage.declare('A', 'default-a');
    stage.declare('G', undefined);
    stage.declare('N', undefined);
    assert.equal(stage.valueOf('A'), 'cli');
    assert.equal(stage.valueOf('G'), 'global-g', 'a global ARG redeclared without a value keeps the global value');
    assert.equal(stage.valueOf('N'), undefined);
    assert.deepEqual(values.unconsumed(), ['UNUSED'], 'predefined proxies are never reported unused');
  });

  it('give RUN the declared args not overridden by ENV, and the proxies for its environment only', () => {
    const values = new BuildArgValues({ X: '1', HTTP_PROXY: 'http://p' });
    const stage = new ArgScope(values);
    stage.declare('X', undefined);
    stage.declare('Y', 'y');
    stage.declare('Z', undefined);
    assert.deepEqual(stage.runArgs(new Set()), { recorded: ['X=1', 'Y=y'], predefined: ['HTTP_PROXY=http://p'] });
    assert.deepEqual(stage.runArgs(new Set(['Y'])).recorded, ['X=1']);
  });
});
