import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorResponse } from './errors.js';
import { parseManifest, referrerDescriptor } from './manifest.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';

function manifest(extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 2 },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('1'), size: 3 },
      { mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', digest: d('2'), size: 3, urls: ['https://x'] },
    ],
    ...extra,
  }));
}

function code(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return errorResponse(err).code;
  }
}

describe('parseManifest', () => {
  it('finds the blobs a manifest needs, leaving out non-distributable layers', () => {
    const p = parseManifest(manifest(), OCI);
    assert.equal(p.mediaType, OCI);
    assert.deepEqual(p.blobs, [d('c'), d('1')]);
    assert.deepEqual(p.manifests, []);
    assert.equal(p.artifactType, 'application/vnd.oci.image.config.v1+json');
  });

  it('finds an index\'s children and its subject', () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: [{ mediaType: OCI, digest: d('a'), size: 1 }], subject: { mediaType: OCI, digest: d('e'), size: 1 } }));
    const p = parseManifest(body, INDEX);
    assert.deepEqual(p.manifests, [d('a')]);
    assert.equal(p.subject, d('e'));
    assert.equal(p.artifactType, undefined);
    assert.deepEqual(referrerDescriptor(p, d('f'), body.length), { mediaType: INDEX, digest: d('f'), size: body.length });
  });

  it('takes the media type from the manifest when Content-Type says nothing useful', () => {
    assert.equal(parseManifest(manifest(), undefined).mediaType, OCI);
    assert.equal(parseManifest(manifest(), 'application/octet-stream').mediaType, OCI);
    assert.equal(parseManifest(manifest({ mediaType: undefined }), undefined).mediaType, OCI);
  });

  it('uses artifactType and annotations for the referrers API', () => {
    const p = parseManifest(manifest({ artifactType: 'application/x.sbom', annotations: { a: 'b' }, subject: { mediaType: OCI, digest: d('e'), size: 1 } }), OCI);
    assert.deepEqual(referrerDescriptor(p, d('f'), 9), { mediaType: OCI, digest: d('f'), size: 9, artifactType: 'application/x.sbom', annotations: { a: 'b' } });
  });

  it('refuses what is not a manifest of the declared type', () => {
    assert.equal(code(() => parseManifest(Buffer.from('nope'), OCI)), 'MANIFEST_INVALID');
    assert.equal(code(() => parseManifest(Buffer.from('[]'), OCI)), 'MANIFEST_INVALID');
    assert.equal(code(() => parseManifest(manifest(), INDEX)), 'MANIFEST_INVALID');
    assert.equal(code(() => parseManifest(manifest({ schemaVersion: 1 }), OCI)), 'MANIFEST_INVALID');
    assert.equal(code(() => parseManifest(manifest({ layers: 'x' }), OCI)), 'MANIFEST_INVALID');
    assert.equal(code(() => parseManifest(manifest({ config: { mediaType: 'x', digest: '../x', size: 1 } }), OCI)), 'MANIFEST_INVALID');
    assert.equal(code(() => parseManifest(manifest({ config: { mediaType: 'x', digest: d('c'), size: -1 } }), OCI)), 'MANIFEST_INVALID');
    assert.equal(code(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/x' })), undefined)), 'MANIFEST_INVALID');
    assert.equal(code(() => parseManifest(manifest({ subject: { digest: 'x' } }), OCI)), 'MANIFEST_INVALID');
  });
});
