import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isIndexMediaType, isLayerMediaType, isManifestMediaType, layerCompression, MediaType, ociLayerMediaType } from './media-types.js';

describe('media types', () => {
  it('tell the compression of OCI and Docker layers', () => {
    assert.equal(layerCompression(MediaType.dockerLayerGzip), 'gzip');
    assert.equal(layerCompression(MediaType.ociLayer), 'none');
    assert.equal(layerCompression(MediaType.ociLayerZstd), 'zstd');
    assert.equal(layerCompression(MediaType.ociConfig), undefined);
    assert.equal(isLayerMediaType(MediaType.ociManifest), false);
    assert.equal(ociLayerMediaType('gzip'), MediaType.ociLayerGzip);
  });
  it('tell manifests from indexes in both families', () => {
    assert.ok(isManifestMediaType(MediaType.dockerManifest) && isManifestMediaType(MediaType.ociManifest));
    assert.ok(isIndexMediaType(MediaType.dockerManifestList) && isIndexMediaType(MediaType.ociIndex));
    assert.equal(isIndexMediaType(MediaType.ociManifest), false);
  });
});
