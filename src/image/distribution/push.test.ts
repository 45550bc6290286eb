import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MediaType, sha256Digest } from '../../oci/index.js';
import { buildManifest } from './push.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;

describe('buildManifest', () => {
  it('writes Docker schema 2 for gzip layers, with Docker media types', () => {
    const m = buildManifest({ digest: d('a'), size: 10 }, [{ digest: d('b'), size: 5, mediaType: MediaType.ociLayerGzip }, { digest: d('c'), size: 6, mediaType: MediaType.dockerLayerGzip }]);
    assert.equal(m.mediaType, MediaType.dockerManifest);
    const doc = JSON.parse(m.bytes.toString()) as { mediaType: string; config: { mediaType: string }; layers: Array<{ mediaType: string; digest: string; size: number }> };
    assert.equal(doc.mediaType, MediaType.dockerManifest);
    assert.equal(doc.config.mediaType, MediaType.dockerConfig);
    assert.deepEqual(doc.layers, [
      { mediaType: MediaType.dockerLayerGzip, size: 5, digest: d('b') },
      { mediaType: MediaType.dockerLayerGzip, size: 6, digest: d('c') },
    ]);
    // Docker indents its manifests with three spaces.
    assert.match(m.bytes.toString(), /^\{\n {3}"schemaVersion": 2,/);
  });
  it('writes an OCI manifest when a layer has no Docker media type', () => {
    const m = buildManifest({ digest: d('a'), size: 10 }, [{ digest: d('b'), size: 5, mediaType: MediaType.ociLayer }, { digest: d('c'), size: 6, mediaType: MediaType.dockerLayerGzip }]);
    assert.equal(m.mediaType, MediaType.ociManifest);
    const doc = JSON.parse(m.bytes.toString()) as { config: { mediaType: string }; layers: Array<{ mediaType: string }> };
    assert.equal(doc.config.mediaType, MediaType.ociConfig);
    assert.deepEqual(doc.layers.map((l) => l.mediaType), [MediaType.ociLayer, MediaType.ociLayerGzip]);
    assert.notEqual(sha256Digest(m.bytes), '');
  });
});
