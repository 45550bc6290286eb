import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkArgs, parseFlags, UsageError, type CommandSpec, type FlagSpec } from './flags.js';

const FLAGS: FlagSpec[] = [
  { name: 'interactive', short: 'i', kind: 'bool' },
  { name: 'tty', short: 't', kind: 'bool' },
  { name: 'detach', short: 'd', kind: 'bool' },
  { name: 'rm', kind: 'bool' },
  { name: 'env', short: 'e', kind: 'list' },
  { name: 'publish', short: 'p', kind: 'list' },
  { name: 'name', kind: 'string' },
  { name: 'time', short: 't2', kind: 'int' },
  { name: 'last', short: 'n', kind: 'int', default: -1 },
];

test('bool clusters, values glued or separate, repeated lists', () => {
  const { flags, args } = parseFlags({ flags: FLAGS }, ['-it', '-e', 'A=B', '--env=C=D', '-eE=F', '--env', 'G', '-p8080:80', 'img']);
  assert.equal(flags.bool('interactive'), true);
  assert.equal(flags.bool('tty'), true);
  assert.deepEqual(flags.list('env'), ['A=B', 'C=D', 'E=F', 'G']);
  assert.deepEqual(flags.list('publish'), ['8080:80']);
  assert.deepEqual(args, ['img']);
});

test('a value flag ends a cluster and takes the rest', () => {
  const { flags } = parseFlags({ flags: FLAGS }, ['-dep=1']);
  assert.equal(flags.bool('detach'), true);
  assert.deepEqual(flags.list('env'), ['p=1']);
});

test('explicit booleans and defaults', () => {
  const { flags } = parseFlags({ flags: FLAGS }, ['--rm=false', '--detach=true']);
  assert.equal(flags.bool('rm'), false);
  assert.equal(flags.changed('rm'), true);
  assert.equal(flags.bool('detach'), true);
  assert.equal(flags.int('last'), -1);
  assert.equal(flags.changed('last'), false);
});

test('stops at the first positional for run so container flags pass through', () => {
  const { flags, args } = parseFlags({ flags: FLAGS, stopAtFirstPositional: true }, ['--rm', 'busybox', 'ls', '-l', '--rm']);
  assert.equal(flags.bool('rm'), true);
  assert.deepEqual(args, ['busybox', 'ls', '-l', '--rm']);
});

test('-- ends flags', () => {
  const { args } = parseFlags({ flags: FLAGS }, ['--', '-it', 'x']);
  assert.deepEqual(args, ['-it', 'x']);
});

test('interleaved positionals without stopping', () => {
  const { flags, args } = parseFlags({ flags: FLAGS }, ['a', '-d', 'b']);
  assert.deepEqual(args, ['a', 'b']);
  assert.equal(flags.bool('detach'), true);
});

test('docker wording for bad flags', () => {
  assert.throws(() => parseFlags({ flags: FLAGS }, ['--foo']), { message: 'unknown flag: --foo' });
  assert.throws(() => parseFlags({ flags: FLAGS }, ['-x']), { message: "unknown shorthand flag: 'x' in -x" });
  assert.throws(() => parseFlags({ flags: FLAGS }, ['--name']), { message: 'flag needs an argument: --name' });
  assert.throws(() => parseFlags({ flags: FLAGS }, ['-n', 'x']), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.exitCode, 125);
    assert.match(err.message, /invalid argument "x" for "-n, --last" flag: strconv.ParseInt/);
    return true;
  });
});

test('-h is help unless a command owns it', () => {
  assert.equal(parseFlags({ flags: FLAGS }, ['-h']).flags.bool('help'), true);
  const withHost = parseFlags({ flags: [{ name: 'hostname', short: 'h', kind: 'string' }] }, ['-h', 'box']);
  assert.equal(withHost.flags.string('hostname'), 'box');
});

test('argument counts use docker wording and exit 1', () => {
  const spec: CommandSpec = { name: 'rm', usage: '', description: '', flags: [], args: { min: 1 } };
  assert.throws(() => checkArgs('berth', spec, []), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.message, "'berth rm' requires at least 1 argument");
    assert.equal(err.exitCode, 1);
    return true;
  });
  const logs: CommandSpec = { ...spec, name: 'logs', args: { min: 1, max: 1 } };
  assert.throws(() => checkArgs('berth', logs, ['a', 'b']), { message: "'berth logs' requires 1 argument" });
  checkArgs('berth', logs, ['a']);
});
