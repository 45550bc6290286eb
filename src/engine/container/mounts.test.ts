import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mountsOf, specMountOf } from './mounts.js';
import { imageVolumeMounts } from './volume-mounts.js';

const brief = (hc: Record<string, unknown>): unknown[] =>
  mountsOf(hc).map((m) => [m.type, m.name, m.destination, m.readOnly, m.mode, !!m.anonymous, !!m.noCopy]);

describe('volume mounts as create parses them', () => {
  it('-v name:/path[:mode] is a named volume; Mode is "z" when none is given, as Docker shows it', () => {
    assert.deepEqual(brief({ Binds: ['data:/data', 'cache:/c:ro', 'seed:/s:nocopy', '/host:/h'] }), [
      ['volume', 'data', '/data', false, 'z', false, false],
      ['volume', 'cache', '/c', true, 'ro', false, false],
      ['volume', 'seed', '/s', false, 'nocopy', false, true],
      ['bind', undefined, '/h', false, '', false, false],
    ]);
  });

  it('-v /path alone is an anonymous volume', () => {
    assert.deepEqual(brief({ Binds: ['/scratch'] }), [['volume', '', '/scratch', false, 'z', true, false]]);
  });

  it('refuses a relative destination and unknown modes', () => {
    assert.throws(() => mountsOf({ Binds: ['data:rel'] }), /must be absolute/);
    assert.throws(() => mountsOf({ Binds: ['data:/d:bogus'] }), /invalid mode: bogus/);
  });

  it('--mount type=volume: source, readonly, volume-nocopy, volume-opt and labels; no source is anonymous', () => {
    const ms = mountsOf({
      Mounts: [
        { Type: 'volume', Source: 'db', Target: '/db', ReadOnly: true, VolumeOptions: { NoCopy: true, Labels: { a: 'b' }, DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs' } } } },
        { Type: 'volume', Target: '/anon' },
      ],
    });
    assert.deepEqual(ms.map((m) => [m.type, m.name, m.destination, m.readOnly, m.mode, !!m.anonymous, !!m.noCopy]), [
      ['volume', 'db', '/db', true, '', false, true],
      ['volume', '', '/anon', false, '', true, false],
    ]);
    assert.deepEqual(ms[0]!.volumeOptions, { type: 'tmpfs', device: 'tmpfs' });
    assert.deepEqual(ms[0]!.volumeLabels, { a: 'b' });
  });

  it('image VOLUMEs not already mounted become anonymous volumes', () => {
    const own = mountsOf({ Binds: ['data:/data/'], Tmpfs: { '/run': '' } });
    const extra = imageVolumeMounts({ '/data': {}, '/run': {}, '/var/lib/x': {} }, own);
    assert.deepEqual(extra.map((m) => [m.type, m.name, m.destination, m.mode, m.anonymous, m.origin]), [['volume', '', '/var/lib/x', '', true, 'mounts']]);
    assert.deepEqual(imageVolumeMounts(null, own), []);
  });
});

describe('binds in the runtime\'s terms', () => {
  const spec = (hc: Record<string, unknown>): unknown[] => mountsOf(hc).map(specMountOf);

  it('a bind always names its propagation, rprivate unless given; a volume names none', () => {
    assert.deepEqual(spec({ Binds: ['/a:/a', '/b:/b:rshared', 'vol:/v'] }).map((m) => (m as { options: string[] }).options), [
      ['rbind', 'rw', 'rprivate'], ['rbind', 'rw', 'rshared'], ['rbind', 'rw'],
    ]);
    assert.deepEqual(spec({ Mounts: [{ Type: 'bind', Source: '/a', Target: '/a', BindOptions: { Propagation: 'rslave', NonRecursive: true } }] }), [
      { type: 'bind', source: '/a', destination: '/a', options: ['bind', 'rw', 'rslave'] },
    ]);
  });

  it('read-only asks for rro unless bind-recursive=writable; bind-recursive=readonly forces it', () => {
    const ro = (bo: Record<string, unknown>): unknown => spec({ Mounts: [{ Type: 'bind', Source: '/a', Target: '/a', ReadOnly: true, BindOptions: bo }] })[0];
    assert.deepEqual(spec({ Binds: ['/a:/a:ro', 'vol:/v:ro'] }).map((m) => (m as { options: string[] }).options), [['rbind', 'rro', 'rprivate'], ['rbind', 'rro']]);
    assert.deepEqual(ro({}), { type: 'bind', source: '/a', destination: '/a', options: ['rbind', 'rro', 'rprivate'] });
    assert.deepEqual(ro({ ReadOnlyNonRecursive: true }), { type: 'bind', source: '/a', destination: '/a', options: ['rbind', 'ro', 'rprivate'] });
    assert.deepEqual(ro({ ReadOnlyForceRecursive: true }), { type: 'bind', source: '/a', destination: '/a', options: ['rbind', 'rro', 'rprivate'], forceRecursiveReadOnly: true });
  });
});
