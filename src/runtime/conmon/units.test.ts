import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { checkId } from './paths.js';
import { runtimeError, runtimeMessage } from './runtime-cli.js';
import { parseSignal } from './signals.js';
import { filterPsOutput } from './top.js';
import { conmonArgs } from './spawn-conmon.js';
import { runtimeLogError } from './exec.js';
import { RuntimePaths } from './paths.js';
import { probeOrder } from './probe.js';

describe('conmon driver helpers', () => {
  it('parses signals', () => {
    assert.equal(parseSignal('SIGTERM'), 15);
    assert.equal(parseSignal('term'), 15);
    assert.equal(parseSignal('9'), 9);
    assert.equal(parseSignal(2), 2);
    assert.equal(parseSignal('SIGRTMIN+3'), 37);
    assert.throws(() => parseSignal('SIGNOPE'), isInvalidArgument);
    assert.throws(() => parseSignal('0'), isInvalidArgument);
    assert.throws(() => parseSignal(65), isInvalidArgument);
  });
  it('filters ps output by pid', () => {
    const out = 'UID          PID    PPID  C STIME TTY          TIME CMD\nroot           1       0  0 08:00 ?        00:00:01 /sbin/init splash\nroot         42       1  0 08:00 ?        00:00:00 sleep 100 x\n';
    assert.deepEqual(filterPsOutput(out, new Set([42])), {
      Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      Processes: [['root', '42', '1', '0', '08:00', '?', '00:00:00', 'sleep 100 x']],
    });
    assert.throws(() => filterPsOutput('USER COMMAND\nx y\n', new Set()));
  });
  it('validates ids', () => {
    assert.equal(checkId('abc_1.2-3'), 'abc_1.2-3');
    for (const bad of ['', '../x', 'a/b', '-x', 'a'.repeat(200)]) assert.throws(() => checkId(bad), isInvalidArgument);
  });
  it('extracts the runtime message from logrus output', () => {
    assert.equal(runtimeMessage({ code: 1, stdout: '', stderr: 'time="x" level=error msg="container \\"a\\" does not exist"\n' }), 'container "a" does not exist');
  });
  it('classifies runtime failures', () => {
    const kind = (stderr: string): string => runtimeError('c', 'start', { code: 1, stdout: '', stderr }).kind;
    assert.equal(kind('time="x" level=error msg="cannot start a container in the paused state"'), 'conflict');
    assert.equal(kind('cannot start an already running container'), 'conflict');
    assert.equal(kind('time="x" level=error msg="container not running"'), 'conflict');
    assert.equal(kind('time="x" level=error msg="container does not exist"'), 'not-found');
    assert.equal(kind('something else broke'), 'internal');
  });
  it('builds conmon arguments', () => {
    const args = conmonArgs({
      conmonPath: '/usr/bin/conmon', id: 'c1', bundleDir: '/b', runtimeName: 'runc', runtimeBinary: '/usr/bin/runc',
      paths: new RuntimePaths('/run/x'), logPath: '/l/log', tty: true, openStdin: true, leaveStdinOpen: true, logSizeMax: 100,
    });
    assert.ok(args.includes('--leave-stdin-open') && args.includes('-t') && args.includes('-i'));
    assert.deepEqual(args.slice(args.indexOf('--runtime-arg'), args.indexOf('--runtime-arg') + 2), ['--runtime-arg', '--root=/run/x/runtimes/runc']);
    assert.equal(args[args.indexOf('--log-size-max') + 1], '100');
    assert.equal(args[args.indexOf('-l') + 1], 'k8s-file:/l/log');
  });
  it('probes crun before runc', () => {
    assert.deepEqual(probeOrder(['runc', 'other', 'crun']), ['crun', 'runc', 'other']);
  });
});

describe('runtimeLogError', () => {
  it('takes the last error of the runtime\'s JSON log', () => {
    const log = '{"level":"info","msg":"x"}\n{"level":"error","msg":"exec failed: boom","time":"t"}\nnot json\n';
    assert.equal(runtimeLogError(log), 'exec failed: boom');
    assert.equal(runtimeLogError('{"level":"warning","msg":"w"}\n'), undefined);
  });
});
