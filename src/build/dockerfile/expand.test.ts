import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerfileParseError, expandHeredocBody, expandInstruction, expandWord, expandWords, parseDockerfile } from './index.js';
import type { Instruction } from './index.js';

const vars: Record<string, string> = { A: 'foobarbaz', E: '', S: 'a b  c', P: '/usr/local/bin', PORT: '8080' };
const lookup = (name: string): string | undefined => vars[name];
const word = (w: string, esc = '\\'): string => expandWord(w, lookup, esc);

describe('expandWord', () => {
  it('expands plain and braced variables, unset ones to nothing', () => {
    assert.equal(word('$A'), 'foobarbaz');
    assert.equal(word('${A}_x'), 'foobarbaz_x');
    assert.equal(word('$A_x'), '');
    assert.equal(word('x$UNSET/y'), 'x/y');
    assert.equal(word('cost $'), 'cost $');
  });

  it('applies the default and alternative modifiers with and without the colon', () => {
    assert.equal(word('${A:-w}'), 'foobarbaz');
    assert.equal(word('${E:-w}'), 'w');
    assert.equal(word('${E-w}'), '');
    assert.equal(word('${U-w}'), 'w');
    assert.equal(word('${A:+w}'), 'w');
    assert.equal(word('${E:+w}'), '');
    assert.equal(word('${E+w}'), 'w');
    assert.equal(word('${U+w}'), '');
    assert.equal(word('${U:-${A}-$PORT}'), 'foobarbaz-8080');
  });

  it('refuses unset or empty variables with ? and says why', () => {
    assert.throws(() => word('${U:?needs a value}'), /U: needs a value/);
    assert.throws(() => word('${U?}'), /U: is not allowed to be unset/);
    assert.throws(() => word('${E:?}'), /E: is not allowed to be empty/);
    assert.equal(word('${E?}'), '');
  });

  it('removes prefixes and suffixes by glob, shortest and longest', () => {
    assert.equal(word('${A#f*b}'), 'arbaz');
    assert.equal(word('${A##f*b}'), 'az');
    assert.equal(word('${A%b*}'), 'foobar');
    assert.equal(word('${A%%b*}'), 'foo');
    assert.equal(word('${P##*/}'), 'bin');
    assert.equal(word('${P%/*}'), '/usr/local');
    assert.equal(word('${A#?o}'), 'obarbaz');
    assert.equal(word('${A#x}'), 'foobarbaz');
  });

  it('replaces the first or every match', () => {
    assert.equal(word('${A/ba/fo}'), 'fooforbaz');
    assert.equal(word('${A//ba/fo}'), 'fooforfoz');
    assert.equal(word('${A//b?/-}'), 'foo-r-z');
    assert.equal(word('${P//\\//:}'), ':usr:local:bin');
  });

  it('matches patterns that would make a backtracking regex explode, with the right result', () => {
    // A RegExp for this pattern backtracks exponentially against a long run of `a`; the glob
    // matcher steps once per character, so this finishes, and an unmatched pattern leaves the value.
    vars.LONG = 'a'.repeat(5000);
    assert.equal(word('${LONG#*a*a*a*a*a*a*a*a*a*a*a*a*b}'), vars.LONG);
    assert.equal(word('${LONG%%a*a*a*a*a*a*a*a*a*a*a*a*b}'), vars.LONG);
    assert.equal(word('${LONG//*a*a*a*a*a*a*b/x}'), vars.LONG);
    assert.equal(word('${LONG##*a*a}'), '');
    delete vars.LONG;
  });

  it('replaces empty matches the way Go does', () => {
    vars.AB = 'ab';
    assert.equal(word('${AB//x*/-}'), 'ab');
    assert.equal(word('${AB//*/-}'), '-');
    assert.equal(word('${AB//b*/-}'), 'a-');
    delete vars.AB;
  });

  it('keeps glob characters literal when escaped', () => {
    vars.G = 'a*b*c';
    assert.equal(word('${G#*\\*}'), 'b*c');
    assert.equal(word('${G%\\**}'), 'a*b');
    delete vars.G;
  });

  it('treats single quotes as literal and double quotes as expanding', () => {
    assert.equal(word("'$A'"), '$A');
    assert.equal(word('"$A x"'), 'foobarbaz x');
    assert.equal(word('"a\\"b"'), 'a"b');
    assert.equal(word('"a\\b"'), 'a\\b');
    assert.equal(word('"a\\$A"'), 'a$A');
  });

  it('escapes with the escape token, a backslash or a backtick', () => {
    assert.equal(word('\\$A'), '$A');
    assert.equal(word('\\${A}'), '${A}');
    assert.equal(word('a\\ b'), 'a b');
    assert.equal(word('c:\\dir `$A', '`'), 'c:\\dir $A');
    assert.equal(word('"x`"y"', '`'), 'x"y');
  });

  it('refuses broken syntax and unsupported modifiers clearly', () => {
    assert.throws(() => word('${A'), /missing '}'/);
    assert.throws(() => word('${}'), /bad substitution/);
    assert.throws(() => word('${A:#x}'), /unsupported modifier \(:#\) in substitution/);
    assert.throws(() => word('${A^^}'), /unsupported modifier \(\^\) in substitution/);
    assert.throws(() => word('"open'), /matching double-quote/);
    assert.throws(() => word("'open"), /matching single-quote/);
    assert.throws(() => word(`${'${A:-'.repeat(300)}x${'}'.repeat(300)}`), /substitutions nested more than 256 deep/);
    assert.equal(word(`${'${U:-'.repeat(200)}x${'}'.repeat(200)}`), 'x');
  });
});

describe('expandWords', () => {
  it('splits at unquoted blanks, including blanks that values bring', () => {
    assert.deepEqual(expandWords('$S "x y" ${PORT}/tcp', lookup, '\\'), ['a', 'b', 'c', 'x y', '8080/tcp']);
    assert.deepEqual(expandWords('"$S"', lookup, '\\'), ['a b  c']);
    assert.deepEqual(expandWords('$E ""', lookup, '\\'), []);
  });
});

describe('expandHeredocBody', () => {
  it('expands variables and escapes but keeps quotes', () => {
    assert.equal(expandHeredocBody('echo "hi $A" \'$A\' \\$HOME\n', lookup), 'echo "hi foobarbaz" \'foobarbaz\' $HOME\n');
  });
});

describe('expandInstruction', () => {
  const stage = (text: string): Instruction[] => parseDockerfile(`FROM scratch\n${text}`).stages[0].instructions;
  const one = (text: string): Instruction => expandInstruction(stage(text)[0], lookup, '\\');

  it('expands ENV and LABEL keys and values, removing quotes', () => {
    assert.deepEqual((one('ENV K=$A Q="x y" R=a\\ b') as { vars: unknown }).vars, [
      { key: 'K', value: 'foobarbaz' }, { key: 'Q', value: 'x y' }, { key: 'R', value: 'a b' },
    ]);
    assert.deepEqual((one('LABEL "k$PORT"=\'$A\'') as { labels: unknown }).labels, [{ key: 'k8080', value: '$A' }]);
  });

  it('splits EXPOSE words after expansion', () => {
    assert.deepEqual((one('EXPOSE $PORT "$S" $S') as { ports: unknown }).ports, ['8080', 'a b  c', 'a', 'b', 'c']);
  });

  it('expands COPY words and flags and unquoted heredoc bodies only', () => {
    const copy = one('COPY --chown=$PORT --from=$A <<EOF <<"RAW" $P/x ${P}/\nv=$A\nEOF\nv=$A\nRAW\n');
    assert.equal(copy.kind, 'COPY');
    if (copy.kind !== 'COPY') return;
    assert.equal(copy.chown, '8080');
    assert.equal(copy.from, 'foobarbaz');
    assert.deepEqual(copy.sources, ['/usr/local/bin/x']);
    assert.equal(copy.dest, '/usr/local/bin/');
    assert.deepEqual(copy.heredocs.map((h) => h.content), ['v=foobarbaz\n', 'v=$A\n']);
  });

  it('expands RUN mount options but never the command', () => {
    const run = one('RUN --mount=type=cache,target=$P,id=c-$PORT echo $A');
    assert.equal(run.kind, 'RUN');
    if (run.kind !== 'RUN') return;
    assert.deepEqual(run.mounts, [{ type: 'cache', target: '/usr/local/bin', id: 'c-8080' }]);
    assert.deepEqual(run.command, { form: 'shell', command: 'echo $A', heredocs: [] });
  });

  it('leaves CMD, ENTRYPOINT and exec forms alone', () => {
    assert.deepEqual((one('CMD ["echo", "$A"]') as { command: unknown }).command, { form: 'exec', args: ['echo', '$A'] });
    assert.deepEqual((one('ENTRYPOINT echo $A') as { command: unknown }).command, { form: 'shell', command: 'echo $A', heredocs: [] });
  });

  it('expands FROM, WORKDIR, USER, VOLUME, STOPSIGNAL and ARG', () => {
    const df = parseDockerfile('FROM --platform=$P img:${PORT}\nWORKDIR $P\nUSER ${PORT}:$E\nVOLUME ["$P", "/d"]\nSTOPSIGNAL SIG$A\nARG X=$A Y\n');
    const from = expandInstruction(df.stages[0].from, lookup, '\\');
    assert.equal(from.image, 'img:8080');
    assert.equal(from.platform, '/usr/local/bin');
    const [wd, user, vol, sig, arg] = df.stages[0].instructions.map((i) => expandInstruction(i, lookup, '\\'));
    assert.equal((wd as { path: string }).path, '/usr/local/bin');
    assert.equal((user as { user: string }).user, '8080:');
    assert.deepEqual((vol as { paths: string[] }).paths, ['/usr/local/bin', '/d']);
    assert.equal((sig as { signal: string }).signal, 'SIGfoobarbaz');
    assert.deepEqual((arg as { args: unknown }).args, [{ name: 'X', default: 'foobarbaz' }, { name: 'Y' }]);
  });

  it('reports an expansion failure with the instruction line', () => {
    const env = parseDockerfile('FROM scratch\n\nENV X=${NOPE:?required}\n').stages[0].instructions[0];
    assert.throws(() => expandInstruction(env, lookup, '\\'), (err: unknown) => {
      assert.ok(err instanceof DockerfileParseError);
      assert.equal(err.message, 'dockerfile parse error on line 3: failed to process "${NOPE:?required}": NOPE: required');
      return true;
    });
  });
});
