import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, utimes, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, messageOf, NotFoundError, NotImplementedError } from '../lib/errors/index.js';
import type { AddInstruction, CopyInstruction } from './dockerfile/types.js';
import type { BuildImage, StepRootfs } from './backend.js';
import { cloneConfig, parseChmod, resolveChown, shellOf } from './config-changes.js';
import { absoluteDest, destinationOf, hasWildcards } from './context-paths.js';
import type { ContextSource } from './context.js';
import { hashPlacements, packPlacements, retargetArchive, type CopyAttributes, type CopyPlacement } from './copy-tar.js';
import { copyFailure } from './errors.js';
import { copyCreatedBy } from './history.js';
import type { StageState } from './stage-state.js';
import type { StepEnv } from './step-env.js';
import { cachedStep, instructionKey } from './step-cache.js';

/** Largest body `ADD <url>` downloads. */
const MAX_DOWNLOAD = 8 * 1024 ** 3;

/** COPY and ADD: files from the context, a URL, or another stage or image, into the image. */
export async function dispatchCopy(env: StepEnv, st: StageState, instr: CopyInstruction | AddInstruction): Promise<void> {
  try {
    if (instr.link) throw new NotImplementedError(`${instr.kind} --link is not supported by this builder yet`);
    if (instr.exclude.length > 0) throw new NotImplementedError(`${instr.kind} --exclude is not supported by this builder yet`);
    if (instr.kind === 'COPY' && instr.parents) throw new NotImplementedError('COPY --parents is not supported by this builder yet');
    if (instr.kind === 'ADD' && instr.checksum) throw new NotImplementedError('ADD --checksum is not supported by this builder yet');
    const chmod = instr.chmod !== undefined ? parseChmod(instr.chmod) : undefined;
    if (instr.kind === 'COPY' && instr.from !== undefined) return await copyFromImage(env, st, instr, chmod);
    return await copyFromContext(env, st, instr, chmod);
  } catch (err) {
    throw copyFailure(instr.kind, err);
  }
}

/** Owner of the copied files: root, or `--chown` read against the step's image. */
async function attributes(rootfs: StepRootfs, chown: string | undefined, chmod: number | undefined): Promise<CopyAttributes> {
  if (chown === undefined || chown === '') return { uid: 0, gid: 0, chmod };
  const needsNames = !/^\d+(:\d+)?$/.test(chown);
  const passwd = needsNames ? await rootfs.readSmallFile('/etc/passwd') : undefined;
  const group = needsNames ? await rootfs.readSmallFile('/etc/group') : undefined;
  return { ...resolveChown(chown, passwd, group), chmod };
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** Where the first source goes and what kind of hash the history names. */
function sourceKind(sources: ContextSource[]): 'file' | 'dir' | 'multi' {
  if (sources.length > 1) return 'multi';
  return sources[0]?.isDir ? 'dir' : 'file';
}

async function copyFromContext(env: StepEnv, st: StageState, instr: CopyInstruction | AddInstruction, chmod: number | undefined): Promise<void> {
  const dest = absoluteDest(instr.dest, (st.config.WorkingDir as string | undefined) ?? '/');
  const sources: ContextSource[] = [];
  const archives = new Set<ContextSource>();
  for (const s of instr.sources) {
    if (isUrl(s)) {
      if (instr.kind !== 'ADD') throw new InvalidArgumentError(`source can't be a URL for COPY`);
      sources.push(await download(env, s));
      continue;
    }
    for (const found of await env.context.sources(s)) {
      if (instr.kind === 'ADD' && !found.isDir && (await isArchive(found.host))) archives.add(found);
      sources.push(found);
    }
  }
  for (const h of instr.heredocs) sources.push(await heredocFile(env, h.name, h.content));
  const multi = sources.length > 1 || instr.sources.some(hasWildcards);
  if (multi && !dest.endsWith('/')) {
    throw new InvalidArgumentError(`When using ${instr.kind} with more than one source file, the destination must be a directory and end with a /`);
  }
  // The key names sources by their place in the context: where they land follows from the parent image.
  const keyed = sources.map((source) => ({ source, dest: `/${archives.has(source) ? 'archive:' : ''}${source.rel}` }));
  const content = await hashPlacements(keyed);
  const createdBy = copyCreatedBy(shellOf(st.config), instr.kind, sourceKind(sources), content, instr.dest);
  const parent = st.image;
  const config = cloneConfig(st.config);
  await cachedStep(env, st, { parent: parent.id, instruction: instructionKey(instr), buildArgs: [], content }, async () => {
    const id = await env.backend.createStepContainer({ image: parent.id, cmd: ['/bin/sh'], env: [], networkMode: 'none' });
    const remove = env.track(id);
    try {
      await env.backend.withRootfs(id, async (rootfs) => {
        const attrs = await attributes(rootfs, instr.chown, chmod);
        const destIsDir = (await rootfs.stat(dest))?.isDir ?? false;
        const placements: CopyPlacement[] = [];
        const dirs = new Set<string>();
        for (const source of sources) {
          if (archives.has(source)) continue;
          const to = destinationOf(source, dest, destIsDir);
          placements.push({ source, dest: to });
          if (source.isDir && !(await rootfs.stat(to))) dirs.add(to);
        }
        if (dest.endsWith('/') && !destIsDir) dirs.add(dest.replace(/(.)\/+$/, '$1'));
        if (placements.length > 0 || dirs.size > 0) await rootfs.extract('/', packPlacements(placements, attrs, [...dirs]), env.signal);
        for (const a of archives) {
          // ADD unpacks local archives into the destination directory, keeping their owners.
          const into = dest.replace(/(.)\/+$/, '$1');
          if (!(await rootfs.stat(into))) await rootfs.extract('/', packPlacements([], attrs, [into]), env.signal);
          await rootfs.extract(into, createReadStream(a.host), env.signal);
        }
      });
      return await env.backend.commitStep({ parent: parent.id, containerId: id, config, createdBy, signal: env.signal });
    } finally {
      await remove();
    }
  });
}

/** `COPY --from=<stage|index|image>`: paths of that image's rootfs. */
async function copyFromImage(env: StepEnv, st: StageState, instr: CopyInstruction, chmod: number | undefined): Promise<void> {
  const from = instr.from!;
  const source: BuildImage = env.stageResult(from) ?? await env.resolveImage(from);
  const dest = absoluteDest(instr.dest, (st.config.WorkingDir as string | undefined) ?? '/');
  if (instr.sources.length === 0) throw new InvalidArgumentError(`${instr.kind} requires at least two arguments`);
  if (instr.sources.some(hasWildcards)) throw new NotImplementedError('wildcards in COPY --from sources are not supported by this builder yet');
  if (instr.sources.length > 1 && !dest.endsWith('/')) {
    throw new InvalidArgumentError('When using COPY with more than one source file, the destination must be a directory and end with a /');
  }
  // The source image is named by its id (a content address): equal ids, equal files.
  const content = createHash('sha256').update(`${source.id}\0${instr.sources.join('\0')}`).digest('hex');
  const createdBy = copyCreatedBy(shellOf(st.config), 'COPY', instr.sources.length > 1 ? 'multi' : 'file', content, instr.dest);
  const parent = st.image;
  const config = cloneConfig(st.config);
  await cachedStep(env, st, { parent: parent.id, instruction: instructionKey({ ...instr, from: source.id }), buildArgs: [], content }, async () => {
    const id = await env.backend.createStepContainer({ image: parent.id, cmd: ['/bin/sh'], env: [], networkMode: 'none' });
    const remove = env.track(id);
    const srcId = await env.backend.createStepContainer({ image: source.id, cmd: ['/bin/sh'], env: [], networkMode: 'none' });
    const removeSrc = env.track(srcId);
    try {
      await env.backend.withRootfs(srcId, (from) => env.backend.withRootfs(id, async (rootfs) => {
        const attrs = await attributes(rootfs, instr.chown, chmod);
        const destIsDir = (await rootfs.stat(dest))?.isDir ?? false;
        for (const s of instr.sources) {
          const path = posix.resolve('/', s);
          const found = await from.stat(path);
          if (!found) throw new NotFoundError(`failed to compute cache key: "${path}" not found`);
          const to = destinationOf({ name: posix.basename(path) || '/', isDir: found.isDir }, dest, destIsDir);
          if (found.isDir && !(await rootfs.stat(to))) await rootfs.extract('/', packPlacements([], attrs, [to]), env.signal);
          const tar = retargetArchive(from.archive(path), found.isDir ? { destDir: to } : { destFile: to }, attrs);
          await rootfs.extract('/', tar, env.signal);
        }
      }));
      return await env.backend.commitStep({ parent: parent.id, containerId: id, config, createdBy, signal: env.signal });
    } finally {
      await removeSrc();
      await remove();
    }
  });
}

/** Whether a file starts like a tar archive (plain, gzip, bzip2 or xz), which ADD unpacks. */
async function isArchive(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    if (bytesRead >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return true;
    if (bytesRead >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
    return bytesRead === 512 && head.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await fh.close();
  }
}

/** A heredoc of `COPY <<EOF /dest` as a file named after its delimiter. */
async function heredocFile(env: StepEnv, name: string, content: string): Promise<ContextSource> {
  const dir = join(env.scratchDir, 'heredoc', createHash('sha256').update(name + '\0' + content).digest('hex').slice(0, 16));
  await mkdir(dir, { recursive: true });
  const host = join(dir, posix.basename(name));
  await writeFile(host, content, { mode: 0o644 });
  return { rel: name, host, name: posix.basename(name), isDir: false };
}

/**
 * `ADD <url>`: the daemon downloads the file (mode 0600, named after the URL's last path
 * segment), bounded in size and cancelled with the build.
 */
async function download(env: StepEnv, url: string): Promise<ContextSource> {
  let res: Response;
  try {
    res = await fetch(url, { signal: env.signal, redirect: 'follow' });
  } catch (err) {
    if (env.signal.aborted) throw err;
    const cause = (err as { cause?: unknown }).cause;
    throw new InvalidArgumentError(`failed to GET ${url}: ${cause ? messageOf(cause) : messageOf(err)}`);
  }
  if (!res.ok || !res.body) throw new InvalidArgumentError(`failed to GET ${url} with status ${res.status} ${res.statusText}`.trim());
  const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '') || '__unnamed__';
  const dir = join(env.scratchDir, 'download', createHash('sha256').update(url).digest('hex').slice(0, 16));
  await mkdir(dir, { recursive: true });
  const host = join(dir, posix.basename(name));
  let seen = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > MAX_DOWNLOAD) body.destroy(new InvalidArgumentError(`${url} is larger than ${MAX_DOWNLOAD} bytes`));
  });
  await pipeline(body, createWriteStream(host, { mode: 0o600 }), { signal: env.signal });
  const modified = res.headers.get('last-modified');
  if (modified) {
    const t = new Date(modified);
    if (!Number.isNaN(t.getTime())) await utimes(host, t, t);
  }
  return { rel: name, host, name: posix.basename(name), isDir: false };
}
