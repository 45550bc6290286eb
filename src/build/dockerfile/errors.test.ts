import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { DockerfileParseError, parseDockerfile } from './index.js';

/** Every fault the parser reports, with Docker's wording and the line it names. */
const cases: [name: string, text: string, message: string][] = [
  ['empty file', '', 'dockerfile parse error: file with no instructions'],
  ['only comments and blanks', '# nothing\n\n   \n', 'dockerfile parse error: file with no instructions'],
  ['only global ARGs', 'ARG A=1\n', 'dockerfile parse error: no build stage in current context'],
  ['instruction before FROM', 'ARG A\nRUN x\nFROM a\n', 'dockerfile parse error on line 2: no build stage in current context'],
  ['unknown instruction', 'FROM a\nFOO bar\n', 'dockerfile parse error on line 2: unknown instruction: FOO'],
  ['unknown instruction named as written', 'FROM a\nfoo bar\n', 'dockerfile parse error on line 2: unknown instruction: foo'],
  ['line longer than 64 KiB', `FROM a\nRUN ${'x'.repeat(65_536)}\n`, 'dockerfile parse error on line 2: dockerfile line greater than max allowed size of 65535'],
  ['duplicate directive', '# escape=`\n# ESCAPE=\\\nFROM a\n', 'dockerfile parse error on line 2: only one escape parser directive can be used'],
  ['duplicate syntax directive', '#syntax=a\n# Syntax = b\nFROM a\n', 'dockerfile parse error on line 2: only one syntax parser directive can be used'],
  ['bad escape token', '# escape=x\nFROM a\n', 'dockerfile parse error on line 1: invalid escape token \'x\' does not match ` or \\'],
  ['unterminated heredoc', 'FROM a\nRUN <<EOF\necho\nEO\n', 'dockerfile parse error on line 2: unterminated heredoc EOF (opened on line 2, file ends on line 4)'],
  ['second heredoc unterminated', 'FROM a\nRUN <<A <<B\na\nA\nb\n', 'dockerfile parse error on line 2: unterminated heredoc B (opened on line 2, file ends on line 5)'],
  ['unknown flag', 'FROM a\nCOPY --foo=1 a b\n', 'dockerfile parse error on line 2: unknown flag: foo'],
  ['flag on an instruction without flags', 'FROM a\nENV --x=1 A=1\n', 'dockerfile parse error on line 2: unknown flag: x'],
  ['ADD takes no --from', 'FROM a\nADD --from=b a b\n', 'dockerfile parse error on line 2: unknown flag: from'],
  ['duplicate flag', 'FROM a\nCOPY --from=a --from=b a b\n', 'dockerfile parse error on line 2: duplicate flag specified: from'],
  ['string flag without value', 'FROM a\nCOPY --chown a b\n', 'dockerfile parse error on line 2: missing a value on flag: chown'],
  ['bool flag with empty value', 'FROM a\nCOPY --link= a b\n', 'dockerfile parse error on line 2: missing a value on flag: link'],
  ['bool flag not a bool', 'FROM a\nCOPY --link=maybe a b\n', 'dockerfile parse error on line 2: expecting boolean value for flag link, not: maybe'],
  ['FROM without image', 'FROM\n', 'dockerfile parse error on line 1: FROM requires either one or three arguments'],
  ['FROM with two words', 'FROM a b\n', 'dockerfile parse error on line 1: FROM requires either one or three arguments'],
  ['FROM bad stage name', 'FROM a AS 1st\n', 'dockerfile parse error on line 1: invalid name for build stage: "1st", name can\'t start with a number or contain symbols'],
  ['FROM unknown flag', 'FROM --foo=1 a\n', 'dockerfile parse error on line 1: unknown flag: foo'],
  ['duplicate stage name', 'FROM a AS x\nFROM b AS X\n', 'dockerfile parse error on line 2: duplicate stage name "x"'],
  ['ENV without arguments', 'FROM a\nENV\n', 'dockerfile parse error on line 2: ENV requires at least one argument'],
  ['ENV legacy without value', 'FROM a\nENV A\n', 'dockerfile parse error on line 2: ENV must have two arguments'],
  ['ENV pair missing =', 'FROM a\nENV A=1 B\n', 'dockerfile parse error on line 2: Syntax error - can\'t find = in "B". Must be of the form: name=value'],
  ['ENV blank name', 'FROM a\nENV =x\n', 'dockerfile parse error on line 2: ENV names can not be blank'],
  ['LABEL without arguments', 'FROM a\nLABEL\n', 'dockerfile parse error on line 2: LABEL requires at least one argument'],
  ['LABEL legacy without value', 'FROM a\nLABEL a\n', 'dockerfile parse error on line 2: LABEL must have two arguments'],
  ['LABEL blank name', 'FROM a\nLABEL =x\n', 'dockerfile parse error on line 2: LABEL names can not be blank'],
  ['ARG without arguments', 'FROM a\nARG\n', 'dockerfile parse error on line 2: ARG requires at least one argument'],
  ['ARG blank name', 'FROM a\nARG =x\n', 'dockerfile parse error on line 2: ARG names can not be blank'],
  ['EXPOSE without arguments', 'FROM a\nEXPOSE\n', 'dockerfile parse error on line 2: EXPOSE requires at least one argument'],
  ['VOLUME without arguments', 'FROM a\nVOLUME\n', 'dockerfile parse error on line 2: VOLUME requires at least one argument'],
  ['VOLUME empty path', 'FROM a\nVOLUME ["/a", " "]\n', 'dockerfile parse error on line 2: VOLUME specified can not be an empty string'],
  ['USER without argument', 'FROM a\nUSER\n', 'dockerfile parse error on line 2: USER requires exactly one argument'],
  ['WORKDIR without argument', 'FROM a\nWORKDIR\n', 'dockerfile parse error on line 2: WORKDIR requires exactly one argument'],
  ['STOPSIGNAL without argument', 'FROM a\nSTOPSIGNAL\n', 'dockerfile parse error on line 2: STOPSIGNAL requires exactly one argument'],
  ['MAINTAINER without argument', 'FROM a\nMAINTAINER\n', 'dockerfile parse error on line 2: MAINTAINER requires exactly one argument'],
  ['COPY without arguments', 'FROM a\nCOPY\n', 'dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['ADD with one argument', 'FROM a\nADD x\n', 'dockerfile parse error on line 2: ADD requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['COPY JSON with one argument', 'FROM a\nCOPY ["x"]\n', 'dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['COPY heredoc destination', 'FROM a\nCOPY x <<EOF\nbody\nEOF\n', 'dockerfile parse error on line 2: COPY cannot accept a heredoc as a destination'],
  ['JSON array of non-strings', 'FROM a\nCMD ["a", 1]\n', 'dockerfile parse error on line 2: when using JSON array syntax, arrays must be comprised of strings only'],
  ['JSON array of non-strings in COPY', 'FROM a\nCOPY ["a", null]\n', 'dockerfile parse error on line 2: when using JSON array syntax, arrays must be comprised of strings only'],
  ['SHELL without arguments', 'FROM a\nSHELL\n', 'dockerfile parse error on line 2: SHELL requires at least one argument'],
  ['SHELL empty JSON', 'FROM a\nSHELL []\n', 'dockerfile parse error on line 2: SHELL requires at least one argument'],
  ['SHELL shell form', 'FROM a\nSHELL sh -c\n', 'dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form'],
  ['ONBUILD without trigger', 'FROM a\nONBUILD\n', 'dockerfile parse error on line 2: ONBUILD requires at least one argument'],
  ['ONBUILD ONBUILD', 'FROM a\nONBUILD onbuild RUN x\n', 'dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
  ['ONBUILD FROM', 'FROM a\nONBUILD FROM b\n', 'dockerfile parse error on line 2: FROM isn\'t allowed as an ONBUILD trigger'],
  ['ONBUILD MAINTAINER', 'FROM a\nONBUILD maintainer me\n', 'dockerfile parse error on line 2: MAINTAINER isn\'t allowed as an ONBUILD trigger'],
  ['ONBUILD trigger with a JSON array of non-strings', 'FROM a\nONBUILD CMD ["a", 1]\n', 'dockerfile parse error on line 2: when using JSON array syntax, arrays must be comprised of strings only'],
  ['ONBUILD trigger ENV without value', 'FROM a\nONBUILD ENV A\n', 'dockerfile parse error on line 2: ENV must have two arguments'],
  ['ONBUILD trigger LABEL pair without =', 'FROM a\nONBUILD LABEL a=b c\n', 'dockerfile parse error on line 2: Syntax error - can\'t find = in "c". Must be of the form: name=value'],
  ['HEALTHCHECK without arguments', 'FROM a\nHEALTHCHECK\n', 'dockerfile parse error on line 2: HEALTHCHECK requires at least one argument'],
  ['HEALTHCHECK NONE with arguments', 'FROM a\nHEALTHCHECK NONE x\n', 'dockerfile parse error on line 2: HEALTHCHECK NONE takes no arguments'],
  ['HEALTHCHECK unknown type', 'FROM a\nHEALTHCHECK FOO x\n', 'dockerfile parse error on line 2: Unknown type "FOO" in HEALTHCHECK (try CMD)'],
  ['HEALTHCHECK CMD without command', 'FROM a\nHEALTHCHECK CMD\n', 'dockerfile parse error on line 2: Missing command after HEALTHCHECK CMD'],
  ['HEALTHCHECK CMD empty JSON', 'FROM a\nHEALTHCHECK CMD []\n', 'dockerfile parse error on line 2: Missing command after HEALTHCHECK CMD'],
  ['HEALTHCHECK bad unit', 'FROM a\nHEALTHCHECK --interval=1x CMD a\n', 'dockerfile parse error on line 2: time: unknown unit "x" in duration "1x"'],
  ['HEALTHCHECK missing unit', 'FROM a\nHEALTHCHECK --timeout=5 CMD a\n', 'dockerfile parse error on line 2: time: missing unit in duration "5"'],
  ['HEALTHCHECK invalid duration', 'FROM a\nHEALTHCHECK --timeout=.s CMD a\n', 'dockerfile parse error on line 2: time: invalid duration ".s"'],
  ['HEALTHCHECK too short', 'FROM a\nHEALTHCHECK --start-interval=999us CMD a\n', 'dockerfile parse error on line 2: Interval "start-interval" cannot be less than 1ms'],
  ['HEALTHCHECK 50ns', 'FROM a\nHEALTHCHECK --interval=50ns CMD a\n', 'dockerfile parse error on line 2: Interval "interval" cannot be less than 1ms'],
  ['HEALTHCHECK negative', 'FROM a\nHEALTHCHECK --interval=-1s CMD a\n', 'dockerfile parse error on line 2: Interval "interval" cannot be less than 1ms'],
  ['HEALTHCHECK retries zero', 'FROM a\nHEALTHCHECK --retries=0 CMD a\n', 'dockerfile parse error on line 2: --retries must be at least 1 (not 0)'],
  ['HEALTHCHECK retries not a number', 'FROM a\nHEALTHCHECK --retries=x CMD a\n', 'dockerfile parse error on line 2: strconv.ParseInt: parsing "x": invalid syntax'],
  ['HEALTHCHECK retries out of range', 'FROM a\nHEALTHCHECK --retries=2147483648 CMD a\n', 'dockerfile parse error on line 2: strconv.ParseInt: parsing "2147483648": value out of range'],
  ['HEALTHCHECK unknown flag', 'FROM a\nHEALTHCHECK --foo=1 CMD a\n', 'dockerfile parse error on line 2: unknown flag: foo'],
  ['RUN unknown network', 'FROM a\nRUN --network=bridge x\n', 'dockerfile parse error on line 2: unsupported network mode "bridge"'],
  ['RUN unknown security', 'FROM a\nRUN --security=loose x\n', 'dockerfile parse error on line 2: unsupported security mode "loose"'],
  ['mount unknown type', 'FROM a\nRUN --mount=type=nfs,target=/x x\n', 'dockerfile parse error on line 2: unsupported mount type "nfs"'],
  ['mount field without value', 'FROM a\nRUN --mount=target=/x,bogus x\n', 'dockerfile parse error on line 2: invalid field \'bogus\' must be a key=value pair'],
  ['mount unknown key', 'FROM a\nRUN --mount=target=/x,colour=red x\n', 'dockerfile parse error on line 2: unexpected key \'colour\' in \'colour=red\''],
  ['mount key for another type', 'FROM a\nRUN --mount=type=bind,target=/x,size=1m x\n', 'dockerfile parse error on line 2: unexpected key \'size\' for mount type \'bind\''],
  ['mount required on a cache', 'FROM a\nRUN --mount=type=cache,target=/x,required x\n', 'dockerfile parse error on line 2: unexpected key \'required\' for mount type \'cache\''],
  ['mount mode on a bind', 'FROM a\nRUN --mount=type=bind,target=/x,mode=0700 x\n', 'dockerfile parse error on line 2: mode not allowed for "bind" type mounts'],
  ['mount bad mode', 'FROM a\nRUN --mount=type=cache,target=/x,mode=rwx x\n', 'dockerfile parse error on line 2: invalid value rwx for mode'],
  ['mount bad readonly', 'FROM a\nRUN --mount=type=cache,target=/x,ro=perhaps x\n', 'dockerfile parse error on line 2: invalid value for ro: perhaps'],
  ['mount sharing on a bind', 'FROM a\nRUN --mount=type=bind,target=/x,sharing=locked x\n', 'dockerfile parse error on line 2: invalid cache sharing set for bind mount'],
  ['mount unknown sharing', 'FROM a\nRUN --mount=type=cache,target=/x,sharing=open x\n', 'dockerfile parse error on line 2: unrecognized cache sharing mode "open" (one of shared, private, locked)'],
  ['secret mount from a stage', 'FROM a\nRUN --mount=type=secret,id=s,from=b x\n', 'dockerfile parse error on line 2: secret mount should not have a from'],
  ['secret mount without id or target', 'FROM a\nRUN --mount=type=secret x\n', 'dockerfile parse error on line 2: invalid secret mount. one of source, target required'],
  ['bind mount without target', 'FROM a\nRUN --mount=type=bind,source=/x x\n', 'dockerfile parse error on line 2: mount of type "bind" needs a target'],
  ['mount with a stray quote', 'FROM a\nRUN --mount=type=bind,target=/x\\"y x\n', 'dockerfile parse error on line 2: failed to parse csv mounts: bare " in non-quoted-field'],
  ['faults in cutting a line come before faults of earlier instructions', 'FROM a\nBOGUS x\nENV A\n', 'dockerfile parse error on line 3: ENV must have two arguments'],
  ['arguments are counted before flags are read', 'FROM a\nCOPY --foo=1 a\n', 'dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['line of a continued instruction is its first', 'FROM a\nRUN \\\n  x\nBAD \\\n  y\n', 'dockerfile parse error on line 4: unknown instruction: BAD'],
  ['line after comments and blank lines', '# c\n\nFROM a\n# c\n\n  \nBAD\n', 'dockerfile parse error on line 7: unknown instruction: BAD'],
];

describe('parse errors', () => {
  for (const [name, text, message] of cases) {
    it(name, () => {
      assert.throws(() => parseDockerfile(text), (err: unknown) => {
        assert.ok(err instanceof DockerfileParseError, `not a DockerfileParseError: ${String(err)}`);
        assert.ok(isInvalidArgument(err));
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});

describe('parse warnings', () => {
  it('warns about MAINTAINER and empty continuation lines, and still parses', () => {
    const df = parseDockerfile('FROM a\nMAINTAINER me\nRUN a \\\n\n  b\n');
    assert.deepEqual(df.warnings, [
      'line 5: Empty continuation line found in: RUN a   b (empty continuation lines will become errors in a future release)',
      'line 2: MAINTAINER instruction is deprecated in favor of using label',
    ]);
    assert.deepEqual(df.stages[0].instructions.map((i) => i.kind), ['MAINTAINER', 'RUN']);
  });

  it('warns about the legacy ENV and LABEL form', () => {
    const df = parseDockerfile('FROM a\nENV A b c\nLABEL k v\nENV B=1\n');
    assert.deepEqual(df.warnings, [
      'line 2: "ENV key=value" should be used instead of legacy "ENV key value" format',
      'line 3: "LABEL key=value" should be used instead of legacy "LABEL key value" format',
    ]);
  });
});
