import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { parsePluginAddress, type PluginAddress } from './client.js';

/**
 * Where plugins announce themselves: Docker's three places, so a plugin installed for Docker works
 * unchanged, then berth's own two.
 */
export const DEFAULT_PLUGIN_DIRS: readonly string[] = [
  '/run/docker/plugins', '/etc/docker/plugins', '/usr/lib/docker/plugins', '/run/berth/plugins', '/etc/berth/plugins',
];

/** A spec file holds one address; anything longer is not one. */
const MAX_SPEC_BYTES = 64 * 1024;

/**
 * A plugin name becomes a file name under each plugin dir, so it must be one path component:
 * no separator, no "." or "..", no NUL (a "vendor/name" of Docker's managed plugins is none of ours).
 * @throws InvalidArgumentError
 */
export function validatePluginName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || name.length > 255) {
    throw new InvalidArgumentError(`invalid plugin name ${JSON.stringify(name)}: a plugin name is a single path component`);
  }
}

/**
 * Finds a plugin's address: a socket `<dir>/<name>.sock` or `<dir>/<name>/<name>.sock` in any of
 * the dirs, else a spec file `<dir>/<name>.spec` (the address as text) or `<dir>/<name>.json`
 * (`{"Addr": …}`). Sockets win over spec files, and earlier dirs over later ones.
 * @returns undefined when no dir has it.
 * @throws InvalidArgumentError for a bad name or a spec file without a usable address.
 */
export async function findPlugin(name: string, dirs: readonly string[]): Promise<PluginAddress | undefined> {
  validatePluginName(name);
  for (const dir of dirs) {
    for (const p of [join(dir, `${name}.sock`), join(dir, name, `${name}.sock`)]) {
      const st = await stat(p).catch(() => undefined);
      if (st?.isSocket()) return { kind: 'unix', path: p };
    }
  }
  for (const dir of dirs) {
    const spec = await readSmall(join(dir, `${name}.spec`));
    if (spec !== undefined) return specAddress(join(dir, `${name}.spec`), spec);
    const json = await readSmall(join(dir, `${name}.json`));
    if (json !== undefined) return jsonAddress(join(dir, `${name}.json`), json);
  }
  return undefined;
}

function specAddress(path: string, text: string): PluginAddress {
  try {
    return parsePluginAddress(text);
  } catch (err) {
    throw new InvalidArgumentError(`plugin spec ${path}: ${(err as Error).message}`);
  }
}

function jsonAddress(path: string, text: string): PluginAddress {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`plugin spec ${path}: ${(err as Error).message}`);
  }
  const addr = (doc as { Addr?: unknown } | null)?.Addr;
  if (typeof addr !== 'string' || addr === '') throw new InvalidArgumentError(`plugin spec ${path}: no Addr`);
  return specAddress(path, addr);
}

/** A regular file's text, at most MAX_SPEC_BYTES of it; undefined when there is no such file. */
async function readSmall(path: string): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  if (st.size > MAX_SPEC_BYTES) throw new InvalidArgumentError(`plugin spec ${path}: larger than ${MAX_SPEC_BYTES} bytes`);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_SPEC_BYTES);
    const { bytesRead } = await fh.read(buf, 0, MAX_SPEC_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
