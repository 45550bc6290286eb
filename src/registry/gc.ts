/**
 * Garbage collection, safe while a registry serves the same root. It marks every blob a manifest
 * in any repository references (the manifest's own bytes, its config and layers; an index's
 * children are manifests of their own) and deletes the rest, with the repository links that
 * pointed at them.
 *
 * A push racing the collection never loses a blob. The store touches (sets the mtime of) every
 * blob and link a push uses, and a manifest's references before and after its revision is
 * written (fs-store.ts). The collection deletes only files last touched before it began (minus
 * the grace period), and deletes each by first renaming it aside and then checking its mtime
 * again: a touch that came first is seen and the file is put back; a touch that comes after the
 * rename finds nothing, so the push stores the bytes anew or is refused, never accepted pointing
 * at a blob that is gone.
 *
 * With deleteUntagged, manifests no tag reaches (directly, through an index, or as the referrer
 * of a kept manifest) are deleted first, by the same rule, and their blobs go in the same pass.
 * A push writes its revision a moment before its tag, so a manifest must also be untouched for
 * UNTAGGED_MIN_AGE_MS before the collection to count as untagged: a push in flight is younger.
 */
import { readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DIGEST_ALGORITHMS, digestFromFileName, isRegistryDigest } from './digests.js';
import { StoreLayout } from './storage/layout.js';

/** How long a manifest stays safe from deleteUntagged, whatever the grace period. */
export const UNTAGGED_MIN_AGE_MS = 60_000;

export interface GcOptions {
  /** Report what would go, delete nothing. */
  dryRun?: boolean;
  /** Also delete manifests no tag reaches. */
  deleteUntagged?: boolean;
  /** Files touched less than this long before the collection began are kept (default 0). */
  graceMs?: number;
}

export interface GcResult {
  manifests: number;
  /** "repository@digest" of the untagged manifests deleted (or that would be). */
  manifestsDeleted: string[];
  blobsKept: number;
  /** Digests of the blobs deleted (or that would be, in a dry run). */
  deleted: string[];
  bytesFreed: number;
  /** Unreferenced blobs kept because a push touched them since the cutoff. */
  recent: number;
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
  const add = (d: unknown): void => { if (typeof d === 'string' && isRegistryDigest(d)) out.push(d); };
  add(m?.config?.digest);
  for (const l of Array.isArray(m?.layers) ? m.layers : []) add(l?.digest);
  for (const c of Array.isArray(m?.manifests) ? m.manifests : []) add(c?.digest);
  return out;
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Deletes `path` unless it was touched at or after `cutoff`: renamed aside first (a dot name no
 * listing shows), then its mtime checked on the renamed file, so a touch cannot fall between the
 * check and the delete. True when it was deleted.
 */
export async function removeIfUntouched(path: string, cutoff: number): Promise<boolean> {
  const aside = join(dirname(path), `.gc-${basename(path)}`);
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if ((await stat(aside)).mtimeMs >= cutoff) {
    // Touched since the collection began: put back. A copy the server wrote meanwhile has the same bytes.
    await rename(aside, path);
    return false;
  }
  await unlink(aside);
  return true;
}

/**
 * Puts back what an interrupted collection left renamed aside in `dir` (when nothing took its
 * place): a crash between the rename and the check must not lose a file that was to be kept.
 */
async function restoreAside(dir: string): Promise<void> {
  let all: string[];
  try {
    all = await readdir(dir);
  } catch {
    return;
  }
  for (const n of all) {
    if (!n.startsWith('.gc-')) continue;
    const path = join(dir, n.slice(4));
    if ((await mtimeMs(path)) === undefined) await rename(join(dir, n), path).catch(() => {});
    else await rm(join(dir, n), { force: true });
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Revisions of `repo` that no tag reaches, through index children or as a kept manifest's referrer. */
async function untaggedRevisions(l: StoreLayout, repo: string): Promise<string[]> {
  const revisions = new Map<string, string | undefined>();
  for (const hex of await names(l.revisions(repo))) {
    const d = digestFromFileName(hex);
    if (d === undefined) continue;
    const rec = await readJson<{ subject?: string }>(join(l.revisions(repo), hex));
    revisions.set(d, rec?.subject);
  }
  const kept = new Set<string>();
  const queue: string[] = [];
  const keep = (d: string): void => {
    if (revisions.has(d) && !kept.has(d)) { kept.add(d); queue.push(d); }
  };
  for (const tag of await names(l.tags(repo))) {
    keep((await readFile(l.tag(repo, tag), 'utf8').catch(() => '')).trim());
  }
  for (;;) {
    while (queue.length > 0) {
      const d = queue.pop()!;
      const content = await readFile(l.blob(d)).catch(() => undefined);
      if (content) for (const c of referencedDigests(content)) keep(c);
    }
    const before = kept.size;
    for (const [d, subject] of revisions) if (subject !== undefined && kept.has(subject)) keep(d);
    if (kept.size === before) break;
  }
  return [...revisions.keys()].filter((d) => !kept.has(d));
}

export async function collectGarbage(root: string, opts: GcOptions = {}): Promise<GcResult> {
  const l = new StoreLayout(root);
  const started = Date.now();
  const cutoff = started - (opts.graceMs ?? 0);
  const untaggedCutoff = started - Math.max(opts.graceMs ?? 0, UNTAGGED_MIN_AGE_MS);
  const result: GcResult = { manifests: 0, manifestsDeleted: [], blobsKept: 0, deleted: [], bytesFreed: 0, recent: 0 };
  const repos = await repositories(l);
  if (!opts.dryRun) {
    for (const repo of repos) for (const dir of [l.revisions(repo), l.blobLinks(repo)]) await restoreAside(dir);
    for (const algorithm of DIGEST_ALGORITHMS) {
      for (const prefix of await names(l.blobsDirOf(algorithm))) await restoreAside(join(l.blobsDirOf(algorithm), prefix));
    }
  }

  const goneRevisions = new Set<string>();
  if (opts.deleteUntagged) {
    for (const repo of repos) {
      for (const d of await untaggedRevisions(l, repo)) {
        const path = l.revision(repo, d);
        if (opts.dryRun) {
          if (((await mtimeMs(path)) ?? Infinity) >= untaggedCutoff) continue;
          goneRevisions.add(`${repo}@${d}`);
        } else {
          const subject = (await readJson<{ subject?: string }>(path))?.subject;
          if (!(await removeIfUntouched(path, untaggedCutoff))) continue;
          if (subject !== undefined && isRegistryDigest(subject)) await rm(l.referrer(repo, subject, d), { force: true });
        }
        result.manifestsDeleted.push(`${repo}@${d}`);
      }
    }
  }

  // Marked after the untagged pass, so a revision it put back (touched by a push) counts.
  const marked = new Set<string>();
  for (const repo of repos) {
    for (const hex of await names(l.revisions(repo))) {
      const digest = digestFromFileName(hex);
      if (digest === undefined || goneRevisions.has(`${repo}@${digest}`)) continue;
      result.manifests++;
      marked.add(digest);
      const content = await readFile(l.blob(digest)).catch(() => undefined);
      if (content) for (const d of referencedDigests(content)) marked.add(d);
    }
  }

  const gone = new Set<string>();
  for (const algorithm of DIGEST_ALGORITHMS) {
    const dir = l.blobsDirOf(algorithm);
    for (const prefix of await names(dir)) {
      for (const hex of await names(join(dir, prefix))) {
        const digest = digestFromFileName(hex);
        if (digest === undefined) continue;
        if (marked.has(digest)) {
          result.blobsKept++;
          continue;
        }
        const path = join(dir, prefix, hex);
        let size: number;
        let mtime: number;
        try {
          const st = await stat(path);
          size = st.size;
          mtime = st.mtimeMs;
        } catch {
          continue;
        }
        if (mtime >= cutoff || (!opts.dryRun && !(await removeIfUntouched(path, cutoff)))) {
          result.recent++;
          result.blobsKept++;
          continue;
        }
        result.bytesFreed += size;
        result.deleted.push(digest);
        gone.add(digest);
      }
    }
  }
  if (!opts.dryRun) {
    for (const repo of repos) {
      for (const hex of await names(l.blobLinks(repo))) {
        const digest = digestFromFileName(hex);
        // A link a push touched since the cutoff stays: the push stored the bytes again.
        if (digest !== undefined && gone.has(digest)) await removeIfUntouched(join(l.blobLinks(repo), hex), cutoff);
      }
    }
  }
  return result;
}
