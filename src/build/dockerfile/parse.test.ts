import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerfileParseError, parseDockerfile, parseOnbuildTrigger } from './index.js';
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

  it('takes a zero HEALTHCHECK duration as the default and a line of exactly 64 KiB', () => {
    const df = parseDockerfile(`FROM a\nHEALTHCHECK --interval=0s --timeout=0 CMD a\nRUN ${'x'.repeat(65_535 - 5)}\n`);
    const [check, run] = df.stages[0].instructions;
    assert.equal(check.kind === 'HEALTHCHECK' && check.interval, undefined);
    assert.equal(check.kind === 'HEALTHCHECK' && check.timeout, undefined);
    assert.equal(run.kind, 'RUN');
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

describe('parseOnbuildTrigger', () => {
  it('reads a stored trigger back, heredoc included', () => {
    const df = parseDockerfile('FROM a\nONBUILD RUN <<EOF\necho later\nEOF\nONBUILD COPY --chown=1 . /src\n');
    const triggers = df.stages[0].instructions.map((i) => (i.kind === 'ONBUILD' ? i.expression : ''));
    const run = parseOnbuildTrigger(triggers[0]);
    assert.equal(run.kind, 'RUN');
    assert.deepEqual(run.kind === 'RUN' && run.command, { form: 'shell', command: '<<EOF', heredocs: [{ name: 'EOF', expand: true, chomp: false, content: 'echo later\n' }] });
    const copy = parseOnbuildTrigger(triggers[1]);
    assert.equal(copy.kind === 'COPY' && copy.chown, '1');
  });

  it('refuses what cannot be a trigger', () => {
    assert.throws(() => parseOnbuildTrigger('RUN a\nRUN b'), /onbuild trigger should be a single expression/);
    assert.throws(() => parseOnbuildTrigger('FROM x'), /FROM isn't allowed as an ONBUILD trigger/);
    assert.throws(() => parseOnbuildTrigger('onbuild RUN x'), /Chaining ONBUILD/);
    assert.throws(() => parseOnbuildTrigger('BOGUS x'), /^DockerfileParseError: dockerfile parse error on line 1: unknown instruction: BOGUS$/);
  });
});
