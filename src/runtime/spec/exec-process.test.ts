import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ExecSpec } from '../types.js';
import { execProcess, mergeEnv } from './exec-process.js';
import type { OciProcess } from './types.js';
import { testTempDir } from '../../lib/testing/temp-dir.js';

const base: OciProcess = {
  terminal: false, user: { uid: 0, gid: 0 }, args: ['sleep', '1'], cwd: '/',
  env: ['PATH=/bin', 'HOSTNAME=h', 'HOME=/root', 'A=container'],
  capabilities: { bounding: ['CAP_CHOWN'], effective: ['CAP_CHOWN'], permitted: ['CAP_CHOWN'], inheritable: [], ambient: [] },
  noNewPrivileges: true, consoleSize: { height: 1, width: 1 },
};
const spec = (over: Partial<ExecSpec> = {}): ExecSpec => ({ args: ['id'], env: [], user: '', cwd: '', tty: false, privileged: false, stdin: false, ...over });
const user = { uid: 65534, gid: 65534, additionalGids: [65534], home: '/nonexistent' };

describe('execProcess', () => {
  const rootfs = testTempDir('exec-proc-');
  mkdirSync(join(rootfs, 'work'));
  mkdirSync(join(rootfs, 'proc'));

  it('keeps the container\'s caps and no-new-privileges, lays env over the container\'s, HOME of the exec user', () => {
    const p = execProcess(base, rootfs, spec({ env: ['A=exec', 'B=1'] }), user, ['CAP_ALL']);
    assert.deepEqual(p.env, ['PATH=/bin', 'HOSTNAME=h', 'A=exec', 'HOME=/nonexistent', 'B=1']);
    assert.deepEqual(p.capabilities!.effective, ['CAP_CHOWN']);
    assert.equal(p.noNewPrivileges, true);
    assert.deepEqual(p.user, { uid: 65534, gid: 65534, additionalGids: [65534] });
    assert.equal(p.consoleSize, undefined);
    assert.equal(p.cwd, '/');
  });

  it('--privileged gets every host capability; -t gets TERM and the console size; -w is checked', () => {
    const p = execProcess(base, rootfs, spec({ privileged: true, tty: true, consoleSize: { height: 30, width: 90 }, cwd: '/work' }), user, ['CAP_A', 'CAP_B']);
    assert.deepEqual(p.capabilities!.bounding, ['CAP_A', 'CAP_B']);
    assert.equal(p.terminal, true);
    assert.ok(p.env!.includes('TERM=xterm'));
    assert.deepEqual(p.consoleSize, { height: 30, width: 90 });
    assert.equal(p.cwd, '/work');
    assert.throws(() => execProcess(base, rootfs, spec({ cwd: '/proc/self/fd/7' }), user, []), /inside \/proc/);
  });

  it('mergeEnv replaces by key', () => {
    assert.deepEqual(mergeEnv(['A=1', 'B=2'], ['B=3', 'C=4']), ['A=1', 'B=3', 'C=4']);
  });
});
