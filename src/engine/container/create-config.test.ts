import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeCreateConfig, parseBind, parseSize, validateName } from './create-config.js';
import type { ImageRecord } from '../../image/types.js';
import { kindOf } from '../../lib/errors/index.js';

const image: ImageRecord = {
  id: 'sha256:' + 'a'.repeat(64), repoTags: ['busybox:latest'], repoDigests: [], parent: '', size: 1, layers: [], addedAt: 0,
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Cmd: ['sh'], Env: ['PATH=/bin', 'A=1'], Labels: { from: 'image' } } },
};
const opts = { id: 'b'.repeat(64), runtimes: ['runc', 'crun'], defaultRuntime: 'runc' };

test('the image Cmd is used when the request gives none', () => {
  const m = mergeCreateConfig({ Image: 'busybox' }, image, opts);
  assert.equal(m.path, 'sh');
  assert.deepEqual(m.args, []);
  assert.equal(m.config.Hostname, 'b'.repeat(12));
  assert.equal(m.hostConfig.NetworkMode, 'bridge');
  assert.equal(m.runtime, 'runc');
});

test('a user entrypoint drops the image Cmd; env overrides by key; labels merge', () => {
  const m = mergeCreateConfig({ Image: 'busybox', Entrypoint: ['echo'], Env: ['A=2'], Labels: { mine: 'x' } }, image, opts);
  assert.equal(m.path, 'echo');
  assert.deepEqual(m.args, []);
  assert.deepEqual(m.config.Env, ['PATH=/bin', 'A=2']);
  assert.deepEqual(m.config.Labels, { from: 'image', mine: 'x' });
});

test('bad host config values are invalid arguments with Docker wording', () => {
  const bad = (hc: object, re: RegExp, kind = 'invalid-argument'): void => {
    assert.throws(() => mergeCreateConfig({ Image: 'busybox', HostConfig: hc as never }, image, opts), (e: unknown) => kindOf(e) === kind && re.test((e as Error).message));
  };
  bad({ Memory: 1024 }, /Minimum memory limit allowed is 6MB/);
  bad({ NanoCpus: 1e12 }, /Range of CPUs is from 0.01/);
  bad({ Runtime: 'nope' }, /unknown or invalid runtime name: nope/);
  bad({ LogConfig: { Type: 'syslogx' } }, /no log driver named 'syslogx'/);
  bad({ RestartPolicy: { Name: 'sometimes' } }, /invalid restart policy/);
  assert.throws(() => mergeCreateConfig({ Image: 'busybox', WorkingDir: 'rel' }, image, opts), /needs to be an absolute path/);
  bad({ Tmpfs: { '/x': 'size=1m,bogus' } }, /^invalid tmpfs option "bogus"$/);
  bad({ Tmpfs: { '/x': 'huge=always' } }, /^invalid tmpfs option "huge"$/);
  mergeCreateConfig({ Image: 'busybox', HostConfig: { Tmpfs: { '/x': 'rw,exec,size=1m,mode=1777,uid=1,gid=2,nr_inodes=9,noatime', '/y': '' } } as never }, image, opts);
});

test('names, sizes and binds are validated', () => {
  assert.equal(validateName('/web-1'), 'web-1');
  assert.throws(() => validateName('a'), /Invalid container name/);
  assert.throws(() => validateName('bad name'), /Invalid container name/);
  assert.equal(parseSize('10m'), 10 * 1024 * 1024);
  assert.equal(parseSize('512'), 512);
  assert.throws(() => parseSize('ten'));
  assert.deepEqual(parseBind('/a:/b:ro'), { kind: 'bind', source: '/a', destination: '/b', readOnly: true, noCopy: false });
  assert.throws(() => parseBind('/a:/b:nocopy'), /field VolumeOptions must not be specified/, 'nocopy is for volumes only');
  assert.throws(() => parseBind('v:/b:rshared'), /field BindOptions must not be specified/, 'propagation is for binds only');
  assert.throws(() => parseBind('v:/b:z,Z'), /invalid mode: z,Z/);
  assert.equal(parseBind('v:/b:ro,z,cached,nocopy').noCopy, true);
  assert.throws(() => parseBind('/a:rel'), /must be absolute/);
});

test('a bare env name (unset on the client) is kept in the config and unsets the image default of that name', () => {
  const m = mergeCreateConfig({ Image: 'busybox', Env: ['UNSET_VAR', 'A'] }, image, opts);
  assert.deepEqual(m.config.Env, ['PATH=/bin', 'A', 'UNSET_VAR']);
});
