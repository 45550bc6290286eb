import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import tarStream, { type Header } from 'tar-stream';

/** One entry for {@link makeTar}: a header plus optional content. */
export interface TestEntry extends Partial<Header> {
  name: string;
  body?: string | Buffer;
}

/** Builds a tar archive in memory from entries (test fixtures only: small archives). */
export async function makeTar(entries: TestEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const { body, ...header } of entries) {
    if (body !== undefined) pack.entry({ ...header, size: Buffer.byteLength(body) }, body);
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

function onPath(name: string): boolean {
  // root's PATH may lack sbin, where setcap lives.
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  return dirs.some((d) => {
    try {
      accessSync(join(d, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * `{ skip }` for tests that need root and/or host tools; under CI=true a missing need throws
 * instead, because a CI host that silently skips proves nothing.
 */
export function needs(opts: { root?: boolean; tools?: string[] }): { skip: string | false } {
  let missing: string | undefined;
  if (opts.root && process.getuid?.() !== 0) missing = 'needs root';
  for (const t of opts.tools ?? []) {
    if (!missing && !onPath(t)) missing = `needs ${t}`;
  }
  if (missing && process.env.CI === 'true') throw new Error(`prerequisite missing on a CI host: ${missing}`);
  return { skip: missing ?? false };
}

/** Runs a Python script (tarfile is in its standard library) that writes an archive to stdout. */
export function pythonTar(script: string): Buffer {
  const r = spawnSync('python3', ['-c', `import io, sys, tarfile\nbuf = io.BytesIO()\n${script}\nsys.stdout.buffer.write(buf.getvalue())`], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr.toString()}`);
  return r.stdout;
}
