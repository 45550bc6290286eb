import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { detectCompression } from '../../lib/tar/index.js';
import {
  checkDescriptor, isDigest, isIndexMediaType, isManifestMediaType, MediaType, ociLayerMediaType, parseNamedReference, sha256Digest,
  type Descriptor,
} from '../../oci/index.js';
import { hostArchitecture } from '../platform.js';
import { archivePath, type SpooledArchive } from './spool.js';

/** One image found in an archive, checked as far as it can be without reading its layers. */
export interface ArchiveImage {
  /** The config blob's bytes; its sha256 is the image id. */
  config: Buffer;
  id: string;
  /** References the archive gives it ("busybox:latest"), possibly none. */
  refs: string[];
  diffIds: string[];
  /** Per layer, bottom first: how to open it and, when known, its blob descriptor. */
  layers: Array<{ open: () => Readable; size: number; descriptor?: Descriptor }>;
}

/** One row of a docker-archive manifest.json. */
interface DockerArchiveManifest {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

interface OciIndex {
  manifests?: unknown[];
}

interface OciManifest {
  mediaType?: string;
  config?: unknown;
  layers?: unknown[];
  manifests?: unknown[];
}

/** Annotations an OCI layout uses to name an image: containerd's full name, then the OCI ref name. */
const CONTAINERD_NAME = 'io.containerd.image.name';
const OCI_REF_NAME = 'org.opencontainers.image.ref.name';

function parseConfig(bytes: Buffer, where: string): string[] {
  let cfg: { rootfs?: { diff_ids?: unknown } };
  try {
    cfg = JSON.parse(bytes.toString('utf8')) as typeof cfg;
  } catch (err) {
    throw new InvalidArgumentError(`invalid archive: image config ${where}: ${(err as Error).message}`);
  }
  const diffIds = cfg?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || !diffIds.every((d) => typeof d === 'string' && isDigest(d))) {
    throw new InvalidArgumentError(`invalid archive: image config ${where}: rootfs.diff_ids must list sha256 digests`);
  }
  return diffIds as string[];
}

/** The path of a blob in an OCI layout. */
function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/** Normalises a reference from an archive, or throws a clear error. */
function checkRef(ref: string, where: string): string {
  try {
    parseNamedReference(ref);
  } catch (err) {
    throw new InvalidArgumentError(`invalid archive: ${where}: invalid reference ${JSON.stringify(ref)}: ${(err as Error).message}`);
  }
  return ref;
}

/**
 * The images of a spooled archive. A docker-archive manifest.json (Docker 20.10's layout, or
 * Docker 25's, which has an OCI layout beside it) wins; without one, the archive must be an OCI
 * image layout (oci-layout, index.json, blobs/). Every path the archive names must be a member
 * inside it, JSON files are read only up to a size cap, and configs and blobs named by digest
 * must hash to it.
 */
export async function readArchiveImages(a: SpooledArchive, platform?: { os: string; architecture: string }): Promise<ArchiveImage[]> {
  if (a.has('manifest.json')) return readDockerArchive(a);
  if (a.has('index.json')) return readOciLayout(a, platform);
  if (a.has('repositories')) throw new InvalidArgumentError('invalid archive: only a legacy "repositories" file and no manifest.json: this image format (Docker before 1.10) is not supported');
  throw new InvalidArgumentError('invalid archive: no manifest.json or index.json: this is not an image archive (for a root filesystem tarball, use import)');
}

async function readDockerArchive(a: SpooledArchive): Promise<ArchiveImage[]> {
  const rows = await a.readJson<DockerArchiveManifest[]>('manifest.json', 'manifest');
  if (!Array.isArray(rows)) throw new InvalidArgumentError('invalid archive: manifest.json is not a list');
  const out: ArchiveImage[] = [];
  for (const [i, row] of rows.entries()) {
    const where = `manifest.json entry ${i}`;
    if (!row || typeof row !== 'object' || typeof row.Config !== 'string' || !Array.isArray(row.Layers) || !row.Layers.every((l) => typeof l === 'string')) {
      throw new InvalidArgumentError(`invalid archive: ${where}: Config and Layers must be paths`);
    }
    const configPath = archivePath(row.Config, `${where} Config`);
    const config = await a.readSmall(configPath, 'image config');
    const id = sha256Digest(config);
    // A config stored under its digest must be that digest.
    const named = /^(?:blobs\/sha256\/)?([a-f0-9]{64})(?:\.json)?$/.exec(configPath);
    if (named && `sha256:${named[1]}` !== id) throw new InvalidArgumentError(`invalid archive: image config ${configPath} does not match its digest (it hashes to ${id})`);
    const diffIds = parseConfig(config, configPath);
    if (diffIds.length !== row.Layers.length) {
      throw new InvalidArgumentError(`invalid archive: ${where}: the config lists ${diffIds.length} layers but the manifest ${row.Layers.length}`);
    }
    const layers: ArchiveImage['layers'] = [];
    for (const [j, raw] of row.Layers.entries()) {
      const path = archivePath(raw, `${where} layer`);
      // Docker links a layer.tar two images share; that is the one link a layer may be.
      const followLinks = /(^|\/)layer\.tar$/.test(path);
      const { size } = a.file(path, 'layer', followLinks);
      const compression = detectCompression(await a.head(path, 6, followLinks));
      const byDigest = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(path);
      let descriptor: Descriptor | undefined;
      if (compression === 'none') {
        // A plain layer tar is its own blob: its digest must be the diff id the config names.
        descriptor = { mediaType: MediaType.ociLayer, digest: diffIds[j]!, size };
      } else if (byDigest && (compression === 'gzip' || compression === 'zstd')) {
        descriptor = { mediaType: ociLayerMediaType(compression), digest: `sha256:${byDigest[1]}`, size };
      }
      layers.push({ open: () => a.open(path, 'layer', followLinks), size, ...(descriptor ? { descriptor } : {}) });
    }
    const refs = (row.RepoTags ?? []).map((r) => checkRef(r, where));
    out.push({ config, id, refs, diffIds, layers });
  }
  return out;
}

/** Reads a blob of an OCI layout by descriptor, checking size and digest. */
async function readBlob(a: SpooledArchive, d: Descriptor, what: string): Promise<Buffer> {
  const data = await a.readSmall(blobPath(d.digest), what);
  if (data.length !== d.size || sha256Digest(data) !== d.digest) {
    throw new InvalidArgumentError(`invalid archive: ${what} ${d.digest} does not match its descriptor`);
  }
  return data;
}

async function readOciLayout(a: SpooledArchive, platform?: { os: string; architecture: string }): Promise<ArchiveImage[]> {
  const index = await a.readJson<OciIndex>('index.json', 'index');
  if (!index || !Array.isArray(index.manifests)) throw new InvalidArgumentError('invalid archive: index.json has no manifests list');
  const byId = new Map<string, ArchiveImage>();
  for (const [i, raw] of index.manifests.entries()) {
    const d = checkDescriptor(raw, `index.json manifest ${i}`);
    const manifest = await resolveManifest(a, d, platform, 0);
    if (!manifest) continue;
    const img = byId.get(manifest.id) ?? manifest;
    byId.set(img.id, img);
    const name = d.annotations?.[CONTAINERD_NAME] ?? d.annotations?.[OCI_REF_NAME];
    // A bare tag ("latest") names nothing on its own: such an image loads untagged.
    if (name && (name.includes('/') || name.includes(':')) && !img.refs.includes(name)) img.refs.push(checkRef(name, 'index.json'));
  }
  if (byId.size === 0) throw new InvalidArgumentError('invalid archive: index.json lists no image for this platform');
  return [...byId.values()];
}

/** Follows an index (choosing the platform) down to one image manifest. */
async function resolveManifest(a: SpooledArchive, d: Descriptor, platform: { os: string; architecture: string } | undefined, depth: number): Promise<ArchiveImage | undefined> {
  if (depth > 4) throw new InvalidArgumentError('invalid archive: indexes nested too deep');
  let body: OciManifest;
  try {
    body = JSON.parse((await readBlob(a, d, 'manifest')).toString('utf8')) as OciManifest;
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err;
    throw new InvalidArgumentError(`invalid archive: manifest ${d.digest}: ${(err as Error).message}`);
  }
  const mediaType = body.mediaType ?? d.mediaType;
  if (isIndexMediaType(mediaType) || Array.isArray(body.manifests)) {
    const want = platform ?? { os: 'linux', architecture: hostArchitecture() };
    for (const [i, raw] of (body.manifests ?? []).entries()) {
      const child = checkDescriptor(raw, `index ${d.digest} manifest ${i}`) as Descriptor & { platform?: { os?: string; architecture?: string } };
      if (child.platform && (child.platform.os !== want.os || child.platform.architecture !== want.architecture)) continue;
      if (!a.has(blobPath(child.digest))) continue;
      return resolveManifest(a, child, platform, depth + 1);
    }
    return undefined;
  }
  if (!isManifestMediaType(mediaType)) throw new InvalidArgumentError(`invalid archive: manifest ${d.digest} has unsupported media type ${JSON.stringify(mediaType)}`);
  const configDesc = checkDescriptor(body.config, `manifest ${d.digest} config`);
  const config = await readBlob(a, configDesc, 'image config');
  const diffIds = parseConfig(config, configDesc.digest);
  const layerDescs = (Array.isArray(body.layers) ? body.layers : []).map((l, i) => checkDescriptor(l, `manifest ${d.digest} layer ${i}`));
  if (layerDescs.length !== diffIds.length) {
    throw new InvalidArgumentError(`invalid archive: manifest ${d.digest} lists ${layerDescs.length} layers but its config ${diffIds.length}`);
  }
  const layers = layerDescs.map((ld) => {
    const path = blobPath(ld.digest);
    const { size } = a.file(path, 'layer blob');
    if (size !== ld.size) throw new InvalidArgumentError(`invalid archive: layer blob ${ld.digest} is ${size} bytes, its descriptor says ${ld.size}`);
    return { open: () => a.open(path, 'layer blob'), size, descriptor: { mediaType: ld.mediaType, digest: ld.digest, size: ld.size } };
  });
  return { config, id: configDesc.digest, refs: [], diffIds, layers };
}

