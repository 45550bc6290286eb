import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerfileParseError, parseDockerfile } from './index.js';
import { isInvalidArgument } from '../../lib/errors/index.js';

describe('parseDockerfile', () => {
  it('groups instructions into stages and keeps global ARGs apart', () => {
    const df = parseDockerfile('ARG V=1\nFROM alpine:$V AS Base\nRUN echo hi\nFROM base\nCOPY --from=base /a /b\n');
    assert.deepEqual(df.globalArgs.map((a) => a.args), [[{ name: 'V', default: '1' }]]);
    assert.equal(df.stages.length, 2);
    assert.equal(df.stages[0].name, 'base');
    assert.equal(df.stages[0].from.image, 'alpine:$V');
    assert.deepEqual(df.stages[0].instructions.map((i) => i.kind), ['RUN']);
    assert.equal(df.stages[1].index, 1);
  });

  it('reports faults as invalid-argument errors naming the line', () => {
    assert.throws(() => parseDockerfile('FROM a\n\nFOO bar\n'), (err: unknown) => {
      assert.ok(err instanceof DockerfileParseError);
      assert.ok(isInvalidArgument(err));
      assert.equal(err.message, 'dockerfile parse error on line 3: unknown instruction: FOO');
      assert.equal(err.line, 3);
      return true;
    });
  });
});
