import { lstat, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { InvalidArgumentError, NotFoundError } from '../lib/errors/index.js';
import { DockerIgnore, ignoreFileCandidates } from '../lib/dockerignore.js';
import { extractTar, PinnedRoot } from '../sys/fsroot/index.js';
import { contextRelative, hasWildcards, isWithin, outsideContextError, segmentPattern } from './context-paths.js';

/** Bounds on what a client may send as a build context. */
export interface ContextLimits {
  /** Bytes of the (decompressed) tar stream. */
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_CONTEXT_LIMITS: ContextLimits = { maxBytes: 16 * 1024 ** 3, maxEntries: 1_000_000 };

/** Counts the bytes going through and fails the stream past the limit. */
class ByteLimit extends Transform {
  #seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.max) done(new InvalidArgumentError(`build context is larger than the limit of ${this.max} bytes`));
    else done(null, chunk);
  }
}

/**
 * Streams the request body (a tar, plain or compressed) into `dir` with the checks of any
 * archive a client sends: no entry outside `dir`, no device nodes, bounded size and entry count.
 * Owners are not kept: the context is only read from, as root.
 */
export async function receiveContext(body: Readable, dir: string, opts: { limits: ContextLimits; signal: AbortSignal }): Promise<void> {
  const root = PinnedRoot.open(dir);
  try {
    const limited = body.pipe(new ByteLimit(opts.limits.maxBytes));
    body.once('error', (err) => limited.destroy(err));
    await extractTar(root, '/', limited, { noOverwriteDirNonDir: false, owner: { uid: 0, gid: 0 }, maxEntries: opts.limits.maxEntries, signal: opts.signal });
  } finally {
    root.close();
  }
}

/** One source of a COPY/ADD, found in the context. */
export interface ContextSource {
  /** Path inside the context ("" for the root). */
  rel: string;
  /** The host path to read it from. */
  host: string;
  /** Base name, for a file copied into a directory. */
  name: string;
  isDir: boolean;
}

/**
 * A build context received into a directory of its own: the Dockerfile's text, the ignore
 * rules applied, and the COPY/ADD source lookups.
 */
export class BuildContext {
  private constructor(readonly root: string, readonly dockerfile: string) {}

  /**
   * Reads the Dockerfile at `dockerfilePath` and applies the ignore file (`<Dockerfile>.dockerignore`
   * or `.dockerignore`): ignored paths are removed, the Dockerfile and ignore file too when they
   * are ignored themselves (Docker sends them whatever the rules say, then drops them).
   * @throws {InvalidArgumentError} when the Dockerfile path leaves the context or is missing
   */
  static async open(root: string, dockerfilePath: string): Promise<BuildContext> {
    const realRoot = await realpath(root);
    const dfRel = contextRelative(dockerfilePath || 'Dockerfile');
    const dfHost = await resolveInContext(realRoot, dfRel, dockerfilePath).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(`Cannot locate specified Dockerfile: ${dockerfilePath || 'Dockerfile'}`);
      }
      throw err;
    });
    const text = await readFile(dfHost, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EISDIR' || err.code === 'ENOENT') throw new NotFoundError(`Cannot locate specified Dockerfile: ${dockerfilePath || 'Dockerfile'}`);
      throw err;
    });
    let rules: DockerIgnore | undefined;
    let ignoreRel: string | undefined;
    for (const candidate of ignoreFileCandidates(dfRel)) {
      const found = await readFile(join(realRoot, candidate), 'utf8').catch(() => undefined);
      if (found !== undefined) {
        rules = DockerIgnore.parse(found);
        ignoreRel = candidate;
        break;
      }
    }
    if (rules && rules.patterns.length > 0) {
      await removeIgnored(realRoot, '', rules);
      for (const own of [dfRel, ignoreRel!]) {
        if (rules.ignores(own)) await rm(join(realRoot, own), { force: true });
      }
    }
    return new BuildContext(realRoot, text);
  }

  /**
   * The context paths a COPY/ADD source names: one path, or every match of a wildcard.
   * @throws {InvalidArgumentError} for a source outside the context (`..`, a symlink out)
   * @throws {NotFoundError} when nothing matches, in Docker's words
   */
  async sources(source: string): Promise<ContextSource[]> {
    const rel = contextRelative(source);
    if (!hasWildcards(rel)) {
      const host = await resolveInContext(this.root, rel, source).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') throw notFoundSource(source);
        throw err;
      });
      const st = await lstat(host);
      return [{ rel, host, name: posix.basename(rel) || '.', isDir: st.isDirectory() }];
    }
    const matches: ContextSource[] = [];
    await this.#match(rel.split('/'), '', matches, source);
    if (matches.length === 0) throw notFoundSource(source);
    return matches.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  }

  async #match(parts: string[], base: string, out: ContextSource[], source: string): Promise<void> {
    const [head, ...rest] = parts;
    if (head === undefined) {
      const host = await resolveInContext(this.root, base, source);
      const st = await lstat(host);
      out.push({ rel: base, host, name: posix.basename(base), isDir: st.isDirectory() });
      return;
    }
    if (!hasWildcards(head)) {
      const next = base ? `${base}/${head}` : head;
      const exists = await lstat(join(this.root, next)).then(() => true, () => false);
      if (exists) await this.#match(rest, next, out, source);
      return;
    }
    const re = segmentPattern(head);
    const dir = await resolveInContext(this.root, base, source).catch(() => undefined);
    if (!dir) return;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (re.test(name)) await this.#match(rest, base ? `${base}/${name}` : name, out, source);
    }
  }
}

function notFoundSource(source: string): NotFoundError {
  return new NotFoundError(`file not found in build context or excluded by .dockerignore: stat ${source}: file does not exist`);
}

/**
 * The host path of `rel` with its symlinks followed; refused when they lead outside the root.
 * ENOENT passes through for the caller to word.
 */
async function resolveInContext(root: string, rel: string, shown: string): Promise<string> {
  const real = await realpath(join(root, rel));
  if (!isWithin(root, real)) throw outsideContextError(shown);
  return real;
}

/** Deletes every ignored path under `dir`, walking into ignored directories only when exceptions may bring something back. */
async function removeIgnored(root: string, dir: string, rules: DockerIgnore): Promise<void> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  for (const e of entries) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    const ignored = rules.ignores(rel);
    if (e.isDirectory()) {
      if (ignored && !rules.hasExceptions) await rm(join(root, rel), { recursive: true, force: true });
      else await removeIgnored(root, rel, rules);
    } else if (ignored) {
      await rm(join(root, rel), { force: true });
    }
  }
}
