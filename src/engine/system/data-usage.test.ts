import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerSharing } from './data-usage.js';

test('layers two images share count as shared for both and once on disk', () => {
  const base = { chainId: 'sha256:base', size: 1000 };
  const { sharedSize, uniqueBytes } = layerSharing([
    { id: 'a', layers: [base, { chainId: 'sha256:a1', size: 10 }] },
    { id: 'b', layers: [base, { chainId: 'sha256:b1', size: 20 }] },
    { id: 'c', layers: [{ chainId: 'sha256:c1', size: 5 }] },
  ]);
  assert.deepEqual([...sharedSize], [['a', 1000], ['b', 1000], ['c', 0]]);
  assert.equal(uniqueBytes, 1035);
});

test('no images, no bytes', () => {
  assert.deepEqual(layerSharing([]), { sharedSize: new Map(), uniqueBytes: 0 });
});
