import { constants, createReadStream } from 'node:fs';
import { link, lstat, mkdir, open, readdir, readlink, rm, symlink, lutimes, chmod, lchown } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { cleanEntryPath } from '../../../lib/tar/entry-path.js';
import { resolveInRoot } from '../../../lib/tar/resolve-in-root.js';

/**
 * Tars a local path for `cp` into a container: the top entry is named `topName` ("." takes a
 * directory's contents). Owners become root unless `keepOwners` (cp -a), as docker cp documents.
 */
export function packLocal(path: string, topName: string, keepOwners: boolean): Readable {
  const pack = tarStream.pack();
  const add = async (p: string, name: string): Promise<void> => {
    const st = await lstat(p);
    const base = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: keepOwners ? st.uid : 0, gid: keepOwners ? st.gid : 0 };
    const put = (h: Partial<tarStream.Header> & { name: string }): Promise<void> => new Promise((res, rej) => pack.entry(h, (e) => (e ? rej(e) : res())));
    if (st.isDirectory()) {
      await put({ ...base, name: name === '.' ? './' : `${name}/`, type: 'directory' });
      for (const child of (await readdir(p)).sort()) await add(join(p, child), name === '.' ? child : `${name}/${child}`);
    } else if (st.isSymbolicLink()) {
      await put({ ...base, type: 'symlink', linkname: await readlink(p) });
    } else if (st.isFile()) {
      const entry = pack.entry({ ...base, type: 'file', size: st.size });
      await pipeline(createReadStream(p, { end: Math.max(st.size - 1, 0), start: 0 }), entry as unknown as NodeJS.WritableStream);
    }
  };
  void (async () => {
    await new Promise((r) => setImmediate(r));
    try {
      await add(path, topName);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack as unknown as Readable;
}

/**
 * Extracts a tar from a container into the local directory `dest`, renaming the top entry
 * `from` to `to` (cp to a new name). The container is not trusted: names that climb out are
 * refused and symlinks met on the way resolve inside `dest`, never outside it.
 */
export async function extractLocal(archive: Readable, dest: string, rename: { from: string; to: string } | null, keepOwners: boolean): Promise<number> {
  const extract = tarStream.extract();
  const feeding = pipeline(archive, extract as unknown as NodeJS.WritableStream);
  feeding.catch(() => undefined);
  let bytes = 0;
  for await (const entry of extract) {
    const h = entry.header;
    let parts = cleanEntryPath(h.name);
    if (rename && parts[0] === rename.from) parts = [rename.to, ...parts.slice(1)];
    const body = entry as unknown as AsyncIterable<Buffer>;
    if (parts.length === 0) {
      for await (const _ of body) { /* the destination itself */ }
      continue;
    }
    const target = await resolveInRoot(dest, parts, { createParents: true });
    const existing = await lstat(target).catch(() => null);
    if (existing && !(existing.isDirectory() && h.type === 'directory')) await rm(target, { recursive: true, force: true });
    switch (h.type) {
      case 'directory':
        if (!existing?.isDirectory()) await mkdir(target, { mode: 0o755 });
        await chmod(target, (h.mode ?? 0o755) & 0o7777);
        break;
      case 'file':
      case 'contiguous-file': {
        const fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, (h.mode ?? 0o644) & 0o7777);
        try {
          for await (const chunk of body) {
            await fh.write(chunk);
            bytes += chunk.length;
          }
          await fh.chmod((h.mode ?? 0o644) & 0o7777);
        } finally {
          await fh.close();
        }
        break;
      }
      case 'symlink':
        await symlink(h.linkname ?? '', target);
        break;
      case 'link': {
        let src = cleanEntryPath(h.linkname ?? '');
        if (rename && src[0] === rename.from) src = [rename.to, ...src.slice(1)];
        await link(await resolveInRoot(dest, src), target);
        break;
      }
      default:
        // Devices and fifos from a container are not recreated on the client's host.
        break;
    }
    if (keepOwners && process.getuid?.() === 0) await lchown(target, h.uid ?? 0, h.gid ?? 0).catch(() => undefined);
    if (h.mtime && h.type !== 'symlink') await lutimes(target, h.mtime, h.mtime).catch(() => undefined);
    for await (const _ of body) { /* drain */ }
  }
  await feeding;
  return bytes;
}
