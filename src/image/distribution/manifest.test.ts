import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { MediaType } from '../../oci/index.js';
import { parseManifest, selectPlatform, type ImageIndex } from './manifest.js';

const d = (c: string, mediaType: string, size = 10) => ({ mediaType, digest: `sha256:${c.repeat(64)}`, size });

describe('parseManifest', () => {
  it('reads a Docker schema 2 manifest', () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config: d('a', MediaType.dockerConfig), layers: [d('b', MediaType.dockerLayerGzip)] }));
    const m = parseManifest(body, MediaType.dockerManifest);
    assert.equal(m.kind, 'manifest');
    assert.equal(m.kind === 'manifest' && m.layers[0]!.digest, `sha256:${'b'.repeat(64)}`);
  });
  it('takes an OCI manifest without mediaType from its Content-Type or its shape', () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, config: d('a', MediaType.ociConfig), layers: [] }));
    assert.equal(parseManifest(body, `${MediaType.ociManifest}; charset=utf-8`).mediaType, MediaType.ociManifest);
    assert.equal(parseManifest(body, 'application/json').mediaType, MediaType.ociManifest);
  });
  it('refuses schema 1, bad JSON and bad descriptors', () => {
    assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"}'), undefined), /unsupported manifest media type/);
    assert.throws(() => parseManifest(Buffer.from('nope'), MediaType.ociManifest), isInvalidArgument);
    const bad = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { digest: 'x' }, layers: [] }));
    assert.throws(() => parseManifest(bad, undefined), /invalid config descriptor/);
  });
});

describe('selectPlatform', () => {
  const index: ImageIndex = {
    kind: 'index',
    mediaType: MediaType.ociIndex,
    manifests: [
      { ...d('1', MediaType.ociManifest), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { ...d('2', MediaType.ociManifest), platform: { os: 'linux', architecture: 'amd64' } },
      { ...d('3', MediaType.ociManifest), platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    ],
  };
  it('finds linux/amd64 and arm64 (variant v8 implied)', () => {
    assert.equal(selectPlatform(index, { os: 'linux', architecture: 'amd64' }).digest, `sha256:${'2'.repeat(64)}`);
    assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm64' }).digest, `sha256:${'1'.repeat(64)}`);
    assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v6' }).digest, `sha256:${'3'.repeat(64)}`);
  });
  it('words a miss as Docker does', () => {
    assert.throws(() => selectPlatform(index, { os: 'linux', architecture: 's390x' }), /no matching manifest for linux\/s390x in the manifest list entries/);
  });
});
