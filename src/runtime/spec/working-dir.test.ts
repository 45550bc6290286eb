import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { checkWorkingDir } from './working-dir.js';

const rootfs = mkdtempSync(path.join(tmpdir(), 'berth-cwd-'));
mkdirSync(path.join(rootfs, 'app'));
symlinkSync('/proc/self/fd/7', path.join(rootfs, 'app', 'sneaky'));
after(() => rmSync(rootfs, { recursive: true, force: true }));

describe('checkWorkingDir (CVE-2024-21626 guard)', () => {
  it('accepts ordinary directories, missing or not', () => {
    assert.equal(checkWorkingDir(rootfs, '/app/'), '/app/');
    assert.equal(checkWorkingDir(rootfs, '/srv/x/../y'), '/srv/x/../y');
  });
  it('refuses /proc, directly or through a symlink', () => {
    for (const cwd of ['/proc/self/fd/7', '/proc', '/x/../proc/1/fd/8', '/app/sneaky', '/app/sneaky/..']) {
      assert.throws(() => checkWorkingDir(rootfs, cwd), isInvalidArgument, cwd);
    }
  });
  it('refuses relative paths', () => {
    assert.throws(() => checkWorkingDir(rootfs, 'app'), isInvalidArgument);
  });
});
