import { lstat, mkdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { goModeIsDir } from '../../../api/archive.js';
import { containerArchiveGet } from '../../../client/container-archive-get.js';
import { containerArchivePut } from '../../../client/container-archive-put.js';
import { containerArchiveStat } from '../../../client/container-archive-stat.js';
import { InvalidArgumentError, isNotFound } from '../../../lib/errors/index.js';
import type { Command } from '../../command.js';
import { humanSize } from '../../format/units.js';
import { extractLocal, packLocal } from './cp-local.js';

/** `container:path`, or a local path (absolute and ./-relative paths are always local, as docker splits them). */
function splitArg(arg: string): { container?: string; path: string } {
  if (isAbsolute(arg) || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

/** Docker's top-entry name for a source: "." for "dir/." (the contents), else the last component. */
function topName(p: string): string {
  if (p === '.' || p.endsWith('/.')) return '.';
  return basename(p.replace(/\/+$/, '')) || '/';
}

/** `berth cp`: copies files between a container and the local filesystem. */
export const command: Command = {
  spec: {
    name: 'cp',
    usage: 'CONTAINER:SRC_PATH DEST_PATH|-\n  berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
    description: 'Copy files/folders between a container and the local filesystem',
    aliases: ['container cp', 'cp'],
    args: { min: 2, max: 2 },
    flags: [
      { name: 'archive', short: 'a', kind: 'bool', description: 'Archive mode (copy all uid/gid information)' },
      { name: 'follow-link', short: 'L', kind: 'bool', description: 'Always follow symbol link in SRC_PATH' },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached' },
    ],
  },
  async run(ctx, flags, [srcArg, dstArg]) {
    const src = splitArg(srcArg!);
    const dst = splitArg(dstArg!);
    if (src.container && dst.container) throw new InvalidArgumentError('copying between containers is not supported');
    if (!src.container && !dst.container) throw new InvalidArgumentError('must specify at least one container source');
    if ((src.container && src.path === '') || (dst.container && dst.path === '')) throw new InvalidArgumentError('filepath cannot be empty');
    const archive = flags.bool('archive');
    const client = ctx.client();
    const report = (bytes: number, where: string): void => {
      if (!flags.bool('quiet') && (ctx.stderr as { isTTY?: boolean }).isTTY) ctx.err(`Successfully copied ${humanSize(bytes)} to ${where}\n`);
    };

    if (src.container) {
      let path = src.path;
      let rename: { from: string; to: string } | null = null;
      if (flags.bool('follow-link')) {
        const st = await containerArchiveStat(client, src.container, path);
        if (st.linkTarget) {
          rename = { from: topName(st.linkTarget), to: topName(path) };
          path = st.linkTarget;
        }
      }
      const { stat, archive: tar } = await containerArchiveGet(client, src.container, path);
      if (dst.path === '-') {
        await pipeline(tar, ctx.stdout, { end: false });
        return 0;
      }
      const local = resolve(dst.path);
      const existing = await lstat(local).catch(() => null);
      let into: string;
      if (existing?.isDirectory()) {
        into = local;
      } else {
        if (dst.path.endsWith('/')) throw new InvalidArgumentError(`destination directory "${dst.path}" must exist`);
        if (existing && goModeIsDir(stat.mode)) throw new InvalidArgumentError(`cannot copy a directory to a file: ${dst.path}`);
        into = dirname(local);
        const from = rename?.from ?? topName(path);
        if (from !== '.') rename = { from, to: basename(local) };
        else rename = null;
        if (topName(path) === '.') {
          // "dir/." into a new name: the contents land in a new directory of that name.
          await mkdir(local);
          into = local;
        }
      }
      const bytes = await extractLocal(tar, into, rename, archive);
      report(bytes, dst.path);
      return 0;
    }

    const container = dst.container!;
    if (src.path === '-') {
      await containerArchivePut(client, container, dst.path, ctx.stdin, { copyUIDGID: archive });
      return 0;
    }
    const local = resolve(src.path);
    const st = await lstat(local).catch(() => null);
    if (!st) throw new InvalidArgumentError(`lstat ${local}: no such file or directory`);
    let into = dst.path;
    let name = topName(src.path);
    try {
      const dstStat = await containerArchiveStat(client, container, dst.path);
      if (!goModeIsDir(dstStat.mode)) {
        if (st.isDirectory()) throw new InvalidArgumentError('cannot copy a directory to a file');
        into = dirname(dst.path) || '/';
        name = basename(dst.path);
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (dst.path.endsWith('/')) throw new InvalidArgumentError('no such directory');
      into = dirname(dst.path) || '/';
      name = basename(dst.path);
    }
    const pack = packLocal(local, name === '.' ? '.' : name, archive);
    await containerArchivePut(client, container, into, pack, { noOverwriteDirNonDir: true, copyUIDGID: archive });
    report(st.isDirectory() ? 0 : st.size, `${container}:${dst.path}`);
    return 0;
  },
};
