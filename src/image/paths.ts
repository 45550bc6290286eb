import { join } from 'node:path';

/**
 * Where the image store keeps things, under its root (e.g. /var/lib/berth/image):
 *
 * ```
 * <root>/
 *   blobs/sha256/<hex>      content-addressed blobs (image configs): the name is the sha256 of
 *                           the content, checked on write and again on every read
 *   images/<hex>.json       one record per image, named by the image id (= config digest):
 *                           { id, layers: [chain ids], parent, addedAt, size }
 *   repositories.json       every tag and digest reference: { tags: { "busybox:latest": id },
 *                           digests: { "name@sha256:…": id } } — one file, so moving a tag
 *                           from one image to another is a single atomic rename
 * ```
 *
 * Layers live in the snapshotter's tree (layers/<chain-hex>/diff, see snapshot/paths.ts).
 * Every file is written as temp file + fsync + rename + fsync(dir); writes go in the order
 * blob → layer → image record → repositories.json, so a crash leaves either the old state or
 * the new one, at worst with an unreferenced blob or layer that start-up clears.
 */
export class ImagePaths {
  constructor(readonly root: string) {}
  get blobs(): string { return join(this.root, 'blobs', 'sha256'); }
  get images(): string { return join(this.root, 'images'); }
  get repositories(): string { return join(this.root, 'repositories.json'); }
  blob(hex: string): string { return join(this.blobs, hex); }
  image(hex: string): string { return join(this.images, `${hex}.json`); }
}
