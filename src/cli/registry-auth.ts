/**
 * Registry credentials in the client's config.json, stored as the docker CLI stores them without
 * a credential helper: `auths[<server>].auth` = base64("user:password"), the server key being
 * "https://index.docker.io/v1/" for Docker Hub and host[:port] for others. Credential helpers
 * (credsStore, credHelpers) are not run: a config that names one is reported, not overwritten.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDir } from './client-config.js';
import type { CliContext } from './context.js';

/** Docker Hub's key in config.json. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

interface RawConfig {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
}

/** The config.json key of a registry as a reference names it ("docker.io" → Docker Hub's). */
export function serverKey(domain: string): string {
  return domain === 'docker.io' || domain === 'index.docker.io' || domain === 'registry-1.docker.io' ? DOCKER_HUB_SERVER : domain;
}

async function configPath(ctx: CliContext): Promise<string> {
  return join(await configDir(ctx.globals.config, ctx.env), 'config.json');
}

async function readRaw(path: string): Promise<RawConfig> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as RawConfig) : {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`loading config file ${path}: ${(err as Error).message}`);
  }
}

async function writeRaw(path: string, raw: RawConfig): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(raw, null, '\t')}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** The X-Registry-Auth header for `domain` from config.json, or "e30=" ("{}") when none is stored. */
export async function registryAuthHeader(ctx: CliContext, domain: string): Promise<string> {
  const key = serverKey(domain);
  const raw = await readRaw(await configPath(ctx)).catch(() => ({}) as RawConfig);
  const entry = raw.auths?.[key];
  if (!entry?.auth) return 'e30=';
  const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
  const i = plain.indexOf(':');
  if (i <= 0) return 'e30=';
  return Buffer.from(JSON.stringify({ username: plain.slice(0, i), password: plain.slice(i + 1), serveraddress: key })).toString('base64url');
}

/** Stores credentials for `server`; returns the config file's path (docker prints it in a warning). */
export async function storeCredentials(ctx: CliContext, server: string, username: string, password: string): Promise<string> {
  const path = await configPath(ctx);
  const raw = await readRaw(path);
  if (raw.credsStore || raw.credHelpers?.[server]) throw new Error(`${path} names a credential helper, which berth does not run yet`);
  raw.auths = { ...(raw.auths ?? {}), [server]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
  await writeRaw(path, raw);
  return path;
}

/** Removes stored credentials; false when there were none. */
export async function removeCredentials(ctx: CliContext, server: string): Promise<boolean> {
  const path = await configPath(ctx);
  const raw = await readRaw(path);
  if (!raw.auths?.[server]) return false;
  delete raw.auths[server];
  await writeRaw(path, raw);
  return true;
}
