import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { parseMountInfo } from '../../sys/mount.js';
import { ensureBindSource, makesSourceAtStart, propagationProblem } from './bind-source.js';
import { mountsOf } from './mounts.js';

describe('ensureBindSource', () => {
  let base: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'bind-source-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('makes a missing source and its parents, mode 0755 whatever the umask', async () => {
    const old = process.umask(0o077);
    try {
      assert.equal(await ensureBindSource(join(base, 'a/b/c')), true);
    } finally {
      process.umask(old);
    }
    for (const p of ['a', 'a/b', 'a/b/c']) {
      const st = statSync(join(base, p));
      assert.ok(st.isDirectory(), p);
      assert.equal(st.mode & 0o7777, 0o755, p);
      assert.equal(st.uid, process.getuid!(), p);
    }
  });

  it('leaves what is there alone: a directory, a file, a link to a file', async () => {
    writeFileSync(join(base, 'file'), 'x');
    symlinkSync(join(base, 'file'), join(base, 'file-link'));
    mkdirSync(join(base, 'dir'), { mode: 0o700 });
    for (const p of ['dir', 'file', 'file-link']) assert.equal(await ensureBindSource(join(base, p)), false, p);
    assert.equal(statSync(join(base, 'dir')).mode & 0o777, 0o700);
  });

  it('follows a link to a directory that exists (as /var/run -> /run)', async () => {
    mkdirSync(join(base, 'real'));
    symlinkSync('real', join(base, 'alias'));
    assert.equal(await ensureBindSource(join(base, 'alias/new')), true);
    assert.ok(statSync(join(base, 'real/new')).isDirectory());
  });

  it('refuses a dangling link, last or on the way, and makes nothing where it points', async () => {
    const target = join(base, 'elsewhere');
    symlinkSync(join(target, 'x'), join(base, 'dangling'));
    await assert.rejects(ensureBindSource(join(base, 'dangling')),
      (err: Error) => isInvalidArgument(err) && err.message === `error while creating mount source path '${join(base, 'dangling')}': ${join(base, 'dangling')} is a symbolic link to a path that does not exist`);
    await assert.rejects(ensureBindSource(join(base, 'dangling/below')), /is a symbolic link to a path that does not exist/);
    assert.ok(!existsSync(target), 'nothing made where the link points');
    assert.ok(lstatSync(join(base, 'dangling')).isSymbolicLink(), 'the link is left as it is');
  });

  it('refuses a path below a file', async () => {
    writeFileSync(join(base, 'plain'), 'x');
    await assert.rejects(ensureBindSource(join(base, 'plain/sub')), /plain is not a directory/);
    symlinkSync('plain', join(base, 'plain-link'));
    await assert.rejects(ensureBindSource(join(base, 'plain-link/sub')), /is a symbolic link to something that is not a directory/);
    assert.deepEqual(readdirSync(base).filter((n) => n.startsWith('sub')), []);
  });
});

describe('propagationProblem', () => {
  const mountinfo = parseMountInfo([
    '1 0 8:1 / / rw - ext4 /dev/sda1 rw',
    '2 1 0:40 / /srv/shared rw shared:3 - tmpfs tmpfs rw',
    '3 1 0:41 / /srv/slave rw master:3 - tmpfs tmpfs rw',
    '4 2 0:42 / /srv/shared/private rw - tmpfs tmpfs rw',
  ].join('\n'));

  it('needs a shared mount under a shared bind and a shared or slave one under a slave bind (Docker\'s words)', () => {
    assert.equal(propagationProblem('/srv/shared/x', 'rshared', mountinfo), undefined);
    assert.equal(propagationProblem('/srv/shared', 'shared', mountinfo), undefined);
    assert.equal(propagationProblem('/srv/shared/x', 'rslave', mountinfo), undefined);
    assert.equal(propagationProblem('/srv/slave/x', 'slave', mountinfo), undefined);
    assert.equal(propagationProblem('/srv/slave', 'rshared', mountinfo), 'path /srv/slave is mounted on /srv/slave but it is not a shared mount');
    assert.equal(propagationProblem('/srv/shared/private/y', 'rshared', mountinfo), 'path /srv/shared/private/y is mounted on /srv/shared/private but it is not a shared mount');
    assert.equal(propagationProblem('/srv/sharedx', 'rslave', mountinfo), 'path /srv/sharedx is mounted on / but it is not a shared or slave mount');
    assert.equal(propagationProblem('/anything', 'rprivate', mountinfo), undefined);
  });
});

describe('makesSourceAtStart', () => {
  it('a -v bind\'s source is made at start; a --mount one\'s only with CreateMountpoint; never a volume\'s', () => {
    const hc = {
      Binds: ['/a:/a', 'vol:/v'],
      Mounts: [{ Type: 'bind', Source: '/b', Target: '/b' }, { Type: 'bind', Source: '/c', Target: '/c', BindOptions: { CreateMountpoint: true } }],
    };
    assert.deepEqual(mountsOf(hc).map(makesSourceAtStart), [true, false, false, true]);
  });
});
