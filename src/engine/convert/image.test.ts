import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toImageInspect, toImageSummary } from './image.js';
import type { ImageRecord } from '../../image/types.js';

const image: ImageRecord = {
  id: 'sha256:' + 'a'.repeat(64), repoTags: ['busybox:latest'], repoDigests: [], parent: '', size: 4096, layers: [], addedAt: 0,
  config: { architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [] }, config: { Cmd: ['sh'], Env: ['PATH=/bin'] } },
};

test('clients before API 1.45 get Container and ContainerConfig (docker-compose 1.x reads them)', () => {
  for (const v of ['1.24', '1.41', '1.44']) {
    const i = toImageInspect(image, v);
    assert.equal(i.Container, '', v);
    assert.equal(typeof i.ContainerConfig, 'object', v);
    assert.equal((i.ContainerConfig as Record<string, unknown>).Hostname, '', v);
    assert.equal((i.ContainerConfig as Record<string, unknown>).Cmd, null, v);
  }
  for (const v of ['1.45', '1.50']) {
    const i = toImageInspect(image, v);
    assert.equal('ContainerConfig' in i, false, v);
    assert.equal('Container' in i, false, v);
  }
});

test('VirtualSize is sent only before API 1.44, in inspect and list alike', () => {
  assert.equal(toImageInspect(image, '1.43').VirtualSize, 4096);
  assert.equal('VirtualSize' in toImageInspect(image, '1.44'), false);
  assert.equal(toImageSummary(image, 0, '1.41').VirtualSize, 4096);
  assert.equal('VirtualSize' in toImageSummary(image, 0, '1.50'), false);
});

test('the container-only Config fields are gone from API 1.50, empty before', () => {
  const old = toImageInspect(image, '1.49').Config!;
  assert.equal(old.Hostname, '');
  assert.equal(old.AttachStdout, false);
  assert.equal(old.Image, '');
  assert.deepEqual(old.Cmd, ['sh']);
  const now = toImageInspect(image, '1.50').Config!;
  assert.equal('Hostname' in now, false);
  assert.equal('AttachStdout' in now, false);
  assert.deepEqual(now.Cmd, ['sh']);
});
