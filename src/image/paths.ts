import { join } from 'node:path';

/**
 * Where the image store keeps things, under its root (e.g. /var/lib/berth/image):
 *
 * ```
 * <root>/
 *   blobs/sha256/<hex>      the content store: image configs, manifests and layer blobs, named by
 *                           the sha256 of their bytes, verified while written and on every read
 *   ingest/<random>         blobs being written (hashed as they stream, fsynced, then renamed into
 *                           blobs/); whatever is here at start is a crash's leftover and deleted
 *   layerblobs/<hex>.json   per layer diff id (hex of it): the blobs that decompress to that layer,
 *                           { diffId, blobs: [{ digest, mediaType, size }], tarSize? }
 *   images/<hex>.json       one record per image, named by the image id (= config digest):
 *                           { id, layers: [chain ids], parent, addedAt, size }
 *   repositories.json       every tag and digest reference: { tags: { "busybox:latest": id },
 *                           digests: { "name@sha256:…": id } } — one file, so moving a tag
 *                           from one image to another is a single atomic rename
 * ```
 *
 * Layers are unpacked once, in the snapshotter's tree (layers/<chain-hex>/diff, see
 * snapshot/paths.ts); that copy is what containers run on. Which compressed blobs are kept beside
 * it is a deliberate rule, because every kept blob costs disk (typically a third of the layer):
 *
 * - A layer that arrives as a compressed blob (pull, or load of an archive with compressed layers)
 *   keeps that blob as it came, verified against its descriptor. Recompressing would give other
 *   bytes and so other digests; keeping it lets push and save reproduce the image's manifest
 *   exactly, without compressing anything.
 * - A layer that arrives uncompressed in a `docker save` archive is kept uncompressed, as it
 *   came (an OCI `...layer.v1.tar` blob whose digest is its diff id), as containerd keeps it: its
 *   tar bytes came from another tool and berth could not make them again from the unpacked files,
 *   and compressing on the way would make load several times slower than Docker's. A save then
 *   copies it as it is. Other uncompressed layers without a descriptor (commit) are
 *   gzip-compressed once while they are unpacked.
 * - layerblobs/ also records each layer's uncompressed tar size (`tarSize`) when known, because
 *   a saved archive's tar header needs it before the layer's bytes.
 * - A layer berth makes (import now; commit and build later) keeps no blob at first: its diff id
 *   is the digest of berth's own deterministic packing of the unpacked layer, so the same tar can
 *   be made again at any time. The first push or save packs and gzips it (once) and keeps that
 *   blob, so later pushes send the same digest and never compress it again.
 * - Blobs go with the last image that names their diff id, configs with their image. At start,
 *   blobs nothing refers to (a crash between a write and its record) are deleted.
 *
 * `system df` counts these blobs on top of the unpacked layers (LocalImageService.diskUsage).
 *
 * A data root from before the content store (blobs/ holding only configs, no ingest/ or
 * layerblobs/) is read as it is: its layers simply have no blob yet. Layers such a root imported
 * were named by the digest of the tarball given to import, which berth cannot make again from
 * the unpacked files, so push and save refuse them with a clear error until re-imported.
 *
 * Every file is written as temp file + fsync + rename + fsync(dir); writes go in the order
 * blob → layer → image record → repositories.json, so a crash leaves either the old state or
 * the new one, at worst with an unreferenced blob or layer that start-up clears.
 */
export class ImagePaths {
  constructor(readonly root: string) {}
  get blobs(): string { return join(this.root, 'blobs', 'sha256'); }
  get ingest(): string { return join(this.root, 'ingest'); }
  get layerBlobs(): string { return join(this.root, 'layerblobs'); }
  get images(): string { return join(this.root, 'images'); }
  get repositories(): string { return join(this.root, 'repositories.json'); }
  blob(hex: string): string { return join(this.blobs, hex); }
  image(hex: string): string { return join(this.images, `${hex}.json`); }
}
