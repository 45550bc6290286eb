import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { resolveUser } from './user.js';

const rootfs = mkdtempSync(path.join(tmpdir(), 'berth-user-'));
mkdirSync(path.join(rootfs, 'etc'));
writeFileSync(path.join(rootfs, 'etc/passwd'), [
  'root:x:0:0:root:/root:/bin/sh', 'daemon:x:1:1:daemon:/usr/sbin:/bin/false', 'app:x:1000:1000::/home/app:/bin/sh', '',
].join('\n'));
writeFileSync(path.join(rootfs, 'etc/group'), ['root:x:0:', 'daemon:x:1:', 'wheel:x:10:app', 'app:x:1000:', 'staff:x:50:', ''].join('\n'));
after(() => rmSync(rootfs, { recursive: true, force: true }));

describe('resolveUser', () => {
  it('defaults to root', () => {
    assert.deepEqual(resolveUser(rootfs, ''), { uid: 0, gid: 0, additionalGids: [0], home: '/root' });
  });
  it('resolves names with their groups', () => {
    assert.deepEqual(resolveUser(rootfs, 'app'), { uid: 1000, gid: 1000, additionalGids: [10, 1000], home: '/home/app' });
  });
  it('accepts unknown numeric ids', () => {
    assert.deepEqual(resolveUser(rootfs, '4242:4343'), { uid: 4242, gid: 4343, additionalGids: [4343], home: undefined });
    assert.deepEqual(resolveUser(rootfs, '1000'), { uid: 1000, gid: 1000, additionalGids: [10, 1000], home: '/home/app' });
  });
  it('resolves user:group and group-add', () => {
    assert.deepEqual(resolveUser(rootfs, 'app:staff', ['daemon', '77']), { uid: 1000, gid: 50, additionalGids: [1, 50, 77], home: '/home/app' });
  });
  it('rejects unknown names and bad values with Docker wording', () => {
    assert.throws(() => resolveUser(rootfs, 'nobody'), (e: Error) => isInvalidArgument(e) && e.message === 'unable to find user nobody: no matching entries in passwd file');
    assert.throws(() => resolveUser(rootfs, 'app:nogroup'), isInvalidArgument);
    assert.throws(() => resolveUser(rootfs, '99999999999'), isInvalidArgument);
    assert.throws(() => resolveUser(rootfs, ':'), isInvalidArgument);
    assert.throws(() => resolveUser(rootfs, '0abc'), isInvalidArgument);
  });
  it('resolves /etc/passwd symlinks inside the rootfs, never on the host', () => {
    const other = mkdtempSync(path.join(tmpdir(), 'berth-user-'));
    try {
      mkdirSync(path.join(other, 'etc'));
      mkdirSync(path.join(other, 'alt'));
      writeFileSync(path.join(other, 'alt/pw'), 'ghost:x:777:777::/g:/bin/sh\n');
      // Absolute link: must resolve to <rootfs>/alt/pw, not the host's /alt/pw.
      symlinkSync('/alt/pw', path.join(other, 'etc/passwd'));
      assert.equal(resolveUser(other, 'ghost').uid, 777);
      rmSync(path.join(other, 'etc/passwd'));
      symlinkSync('../../../../../etc/group', path.join(other, 'etc/passwd'));
      assert.throws(() => resolveUser(other, 'root'), isInvalidArgument);
      rmSync(path.join(other, 'etc/passwd'));
      symlinkSync('../../../../../etc/passwd', path.join(other, 'etc/passwd'));
      assert.throws(() => resolveUser(other, 'root'), /too many levels/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
