import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMount } from './create-more-options.js';

test('--mount volume keys become VolumeOptions as the docker CLI sends them', () => {
  assert.deepEqual(parseMount('type=volume,src=v,dst=/m,volume-subpath=a/b,volume-opt=type=tmpfs,volume-opt=o=size=1m,volume-nocopy,volume-label=k=v'), {
    Type: 'volume', Source: 'v', Target: '/m',
    VolumeOptions: { Subpath: 'a/b', DriverConfig: { Options: { type: 'tmpfs', o: 'size=1m' } }, NoCopy: true, Labels: { k: 'v' } },
  });
  assert.deepEqual(parseMount('type=tmpfs,dst=/t,tmpfs-size=2m,tmpfs-mode=1770'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 2097152, Mode: 0o1770 } });
});
