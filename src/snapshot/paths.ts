import { join } from 'node:path';

/**
 * Where the overlay snapshotter keeps things, under its root (e.g. /var/lib/berth/overlay):
 *
 * ```
 * <root>/
 *   layers/<chain-hex>/          one read-only layer, named by its chain id (hex part)
 *     diff/                      the unpacked layer: an overlay lower dir, never written after commit
 *     layer.json                 { chainId, diffId, size } — written before the dir is renamed in
 *   snapshots/<key>/             one writable snapshot (a container's rootfs)
 *     snapshot.json              { key, layers: [chain ids, bottom first], createdAt }
 *     upper/                     the container's changes (overlay upperdir)
 *     work/                      overlay workdir (same filesystem as upper, required by overlayfs)
 *     merged/                    mount point of the overlay: the rootfs the runtime sees
 *   empty/                       an empty lower dir, for images with no layers
 *   l/<20 hex>                   short symlinks to layers/<hex>/diff, used only when a deep stack's
 *                                lowerdir list would not fit in the one page of mount data
 *   tmp/                         staging: layers and snapshots are built here and renamed into
 *                                place (rename is atomic)
 *   trash/<random>/              doomed trees: a removed layer or snapshot is renamed here, and at
 *                                start the whole of tmp/ (a crash's leftovers) is renamed here and
 *                                replaced by an empty tmp/. A background reaper deletes what is in
 *                                trash/; nothing ever reads from it, so a tree not yet deleted can
 *                                never pass for a live layer, and start never waits for a deletion.
 * ```
 *
 * A layer or snapshot therefore either exists whole under its final name or not at all.
 */
export class SnapshotPaths {
  constructor(readonly root: string) {}
  get layers(): string { return join(this.root, 'layers'); }
  get snapshots(): string { return join(this.root, 'snapshots'); }
  get empty(): string { return join(this.root, 'empty'); }
  get tmp(): string { return join(this.root, 'tmp'); }
  get trash(): string { return join(this.root, 'trash'); }
  get shortLinks(): string { return join(this.root, 'l'); }
  shortLink(id: string): string { return join(this.root, 'l', id); }
  layer(hex: string): string { return join(this.layers, hex); }
  layerDiff(hex: string): string { return join(this.layers, hex, 'diff'); }
  layerMeta(hex: string): string { return join(this.layers, hex, 'layer.json'); }
  snapshot(key: string): string { return join(this.snapshots, key); }
  snapshotMeta(key: string): string { return join(this.snapshots, key, 'snapshot.json'); }
  upper(key: string): string { return join(this.snapshots, key, 'upper'); }
  work(key: string): string { return join(this.snapshots, key, 'work'); }
  merged(key: string): string { return join(this.snapshots, key, 'merged'); }
}
