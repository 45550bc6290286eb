/**
 * Offline garbage collection: marks every blob a manifest in any repository references (the
 * manifest itself, its config and layers; an index's children are manifests of their own) and
 * deletes the rest, with the repository links that pointed at them. Run it while no registry
 * serves the root: a push in flight could link a blob this pass is deleting.
 */
import { readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isDigest } from '../oci/index.js';
import { StoreLayout } from './storage/layout.js';

export interface GcResult {
  manifests: number;
  blobsKept: number;
  /** Digests of the blobs deleted (or that would be, in a dry run). */
  deleted: string[];
  bytesFreed: number;
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function repositories(l: StoreLayout): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await names(dir);
    if (prefix !== '' && (entries.includes('_blobs') || entries.includes('_manifests'))) out.push(prefix);
    for (const n of entries) if (!n.startsWith('_')) await walk(join(dir, n), prefix === '' ? n : `${prefix}/${n}`);
  };
  await walk(l.repositoriesDir, '');
  return out;
}

/** Digests a manifest's bytes reference (config, layers, index children); none for bytes that do not parse. */
export function referencedDigests(content: Buffer): string[] {
  let m: { config?: { digest?: unknown }; layers?: Array<{ digest?: unknown }>; manifests?: Array<{ digest?: unknown }> };
  try {
    m = JSON.parse(content.toString('utf8')) as typeof m;
  } catch {
    return [];
  }
  const out: string[] = [];
  const add = (d: unknown): void => { if (typeof d === 'string' && isDigest(d)) out.push(d); };
  add(m?.config?.digest);
  for (const l of Array.isArray(m?.layers) ? m.layers : []) add(l?.digest);
  for (const c of Array.isArray(m?.manifests) ? m.manifests : []) add(c?.digest);
  return out;
}

export async function collectGarbage(root: string, opts: { dryRun?: boolean } = {}): Promise<GcResult> {
  const l = new StoreLayout(root);
  const marked = new Set<string>();
  let manifests = 0;
  const repos = await repositories(l);
  for (const repo of repos) {
    for (const hex of await names(l.revisions(repo))) {
      const digest = `sha256:${hex}`;
      if (!isDigest(digest)) continue;
      manifests++;
      marked.add(digest);
      let content: Buffer;
      try {
        content = await readFile(l.blob(digest));
      } catch {
        continue;
      }
      for (const d of referencedDigests(content)) marked.add(d);
    }
  }

  const result: GcResult = { manifests, blobsKept: 0, deleted: [], bytesFreed: 0 };
  for (const prefix of await names(l.blobsDir)) {
    for (const hex of await names(join(l.blobsDir, prefix))) {
      const digest = `sha256:${hex}`;
      if (marked.has(digest)) {
        result.blobsKept++;
        continue;
      }
      const path = join(l.blobsDir, prefix, hex);
      result.bytesFreed += (await stat(path)).size;
      result.deleted.push(digest);
      if (!opts.dryRun) await rm(path, { force: true });
    }
  }
  if (!opts.dryRun) {
    const gone = new Set(result.deleted);
    for (const repo of repos) {
      for (const hex of await names(l.blobLinks(repo))) {
        if (gone.has(`sha256:${hex}`)) await unlink(join(l.blobLinks(repo), hex)).catch(() => {});
      }
    }
  }
  return result;
}
