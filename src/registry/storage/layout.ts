/**
 * Where the file-system store keeps things under its root:
 *
 *   blobs/<algorithm>/<2 hex>/<hex>                blob and manifest bytes, named by their digest
 *   uploads/<id>                                   bytes of an upload in progress (emptied at start)
 *   repositories/<name>/_blobs/<hex>               empty file: the blob is part of the repository
 *   repositories/<name>/_manifests/revisions/<hex> {"mediaType","size","subject"?} of a manifest in it
 *   repositories/<name>/_manifests/tags/<tag>      the digest the tag points at
 *   repositories/<name>/_referrers/<subject hex>/<hex>  the referrer's descriptor for the referrers API
 *
 * Links, revisions and referrer entries are named by the digest's hex alone (see digests.ts: a
 * sha512 hex is twice as long as a sha256 one, so the name tells the algorithm).
 *
 * A name's components cannot start with "_" or ".", so a repository's own entries never collide
 * with a nested repository ("a" and "a/b"), and the temp files of atomic writes (".x.tmp") never
 * pass for a tag or a link.
 */
import { join } from 'node:path';
import { algorithmOf, digestFileName as digestHex, type DigestAlgorithm } from '../digests.js';

export class StoreLayout {
  constructor(readonly root: string) {}

  /** The sha256 blobs (the directory every store had before sha512). */
  get blobsDir(): string { return this.blobsDirOf('sha256'); }
  blobsDirOf(algorithm: DigestAlgorithm): string { return join(this.root, 'blobs', algorithm); }
  get uploadsDir(): string { return join(this.root, 'uploads'); }
  get repositoriesDir(): string { return join(this.root, 'repositories'); }

  blob(digest: string): string {
    const hex = digestHex(digest);
    return join(this.blobsDirOf(algorithmOf(digest)), hex.slice(0, 2), hex);
  }

  upload(id: string): string { return join(this.uploadsDir, id); }

  repository(name: string): string { return join(this.repositoriesDir, ...name.split('/')); }
  blobLinks(name: string): string { return join(this.repository(name), '_blobs'); }
  blobLink(name: string, digest: string): string { return join(this.blobLinks(name), digestHex(digest)); }
  manifestsDir(name: string): string { return join(this.repository(name), '_manifests'); }
  revisions(name: string): string { return join(this.manifestsDir(name), 'revisions'); }
  revision(name: string, digest: string): string { return join(this.revisions(name), digestHex(digest)); }
  tags(name: string): string { return join(this.manifestsDir(name), 'tags'); }
  tag(name: string, tag: string): string { return join(this.tags(name), tag); }
  referrersOf(name: string, subject: string): string { return join(this.repository(name), '_referrers', digestHex(subject)); }
  referrer(name: string, subject: string, digest: string): string { return join(this.referrersOf(name, subject), digestHex(digest)); }
}
