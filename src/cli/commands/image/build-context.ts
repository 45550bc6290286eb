import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import tarStream from 'tar-stream';
import { DockerIgnore, ignoreFileCandidates } from '../../../lib/dockerignore.js';

/** The context as it will be sent: the directory, and where the Dockerfile is inside the tar. */
export interface ContextPlan {
  dir: string;
  /** The Dockerfile's name inside the sent context. */
  dockerfileInContext: string;
  /** A Dockerfile from outside the context, added to the tar under `dockerfileInContext`. */
  outsideDockerfile?: string;
  ignore?: DockerIgnore;
}

/**
 * Works out what to send for `build [-f file] dir`: a Dockerfile inside the context is named by
 * its path there; one outside is added under a name of its own, as the docker CLI does.
 */
export async function planContext(dir: string, dockerfileFlag: string | undefined): Promise<ContextPlan> {
  const root = resolve(dir);
  const st = await lstat(root).catch(() => undefined);
  if (!st?.isDirectory()) throw new Error(`unable to prepare context: path "${dir}" not found`);
  const df = dockerfileFlag ? resolve(dockerfileFlag) : join(root, 'Dockerfile');
  await lstat(df).catch(() => {
    throw new Error(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${df}: no such file or directory`);
  });
  const rel = relative(root, df);
  const inside = !rel.startsWith('..') && !rel.startsWith(sep) && rel !== '';
  const dockerfileInContext = inside ? rel.split(sep).join('/') : `.dockerfile.${randomBytes(10).toString('hex')}`;
  let ignore: DockerIgnore | undefined;
  for (const candidate of ignoreFileCandidates(inside ? dockerfileInContext : 'Dockerfile')) {
    const text = await readFile(join(root, candidate), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      ignore = DockerIgnore.parse(text);
      break;
    }
  }
  return { dir: root, dockerfileInContext, outsideDockerfile: inside ? undefined : df, ignore };
}

/**
 * The context as a tar stream: everything the ignore rules keep, plus the Dockerfile and the
 * ignore file whatever the rules say (the daemon reads them, then drops them if ignored).
 * Owners are not sent: the build's files belong to root unless `--chown` says otherwise.
 */
export function packContext(plan: ContextPlan): Readable {
  const pack = tarStream.pack();
  const always = new Set([plan.dockerfileInContext, '.dockerignore', `${plan.dockerfileInContext}.dockerignore`]);
  const put = (h: Partial<tarStream.Header> & { name: string }): Promise<void> => new Promise((res, rej) => pack.entry(h, (e) => (e ? rej(e) : res())));
  const addFile = async (host: string, name: string): Promise<void> => {
    const st = await lstat(host);
    const base = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0 };
    if (st.isSymbolicLink()) {
      await put({ ...base, type: 'symlink', linkname: await readlink(host) });
    } else if (st.isFile()) {
      const entry = pack.entry({ ...base, type: 'file', size: st.size });
      await pipeline(createReadStream(host, { start: 0, end: st.size > 0 ? st.size - 1 : -1 }), entry as unknown as NodeJS.WritableStream);
    }
  };
  const walk = async (relDir: string): Promise<void> => {
    const entries = await readdir(join(plan.dir, relDir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      const ignored = plan.ignore?.ignores(rel) === true && !always.has(rel);
      if (e.isDirectory()) {
        if (ignored && !plan.ignore!.hasExceptions) continue;
        if (!ignored) {
          const st = await lstat(join(plan.dir, rel));
          await put({ name: `${rel}/`, type: 'directory', mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0 });
        }
        await walk(rel);
      } else if (!ignored) {
        await addFile(join(plan.dir, rel), rel);
      }
    }
  };
  void (async () => {
    await new Promise((r) => setImmediate(r));
    try {
      await walk('');
      if (plan.outsideDockerfile) await addFile(plan.outsideDockerfile, plan.dockerfileInContext);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack as unknown as Readable;
}
