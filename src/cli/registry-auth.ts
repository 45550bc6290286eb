/**
 * Registry credentials as the docker CLI keeps them. The server key is "https://index.docker.io/v1/"
 * for Docker Hub and host[:port] for others. Without a credential helper they live in config.json:
 * `auths[<server>].auth` = base64("user:password"). With one — `credHelpers[<host>]` first, then
 * `credsStore` — the helper keeps the secret and config.json only an empty `auths[<server>]`
 * entry, as the docker CLI leaves it.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDir } from './client-config.js';
import { helperErase, helperGet, helperStore } from './credential-helper.js';
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

/** The helper config.json names for a server key: `credHelpers` by host name, else `credsStore`. */
function helperFor(raw: RawConfig, key: string): string | undefined {
  const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const named = raw.credHelpers?.[host];
  if (typeof named === 'string' && named !== '') return named;
  return typeof raw.credsStore === 'string' && raw.credsStore !== '' ? raw.credsStore : undefined;
}

/** The X-Registry-Auth header for `domain` from its credential helper or config.json, or "e30=" ("{}") when none is stored. */
export async function registryAuthHeader(ctx: CliContext, domain: string): Promise<string> {
  const key = serverKey(domain);
  const raw = await readRaw(await configPath(ctx)).catch(() => ({}) as RawConfig);
  const helper = helperFor(raw, key);
  if (helper) {
    const c = await helperGet(helper, key, ctx.env);
    if (!c) return 'e30=';
    const auth = c.username === '<token>' ? { identitytoken: c.secret, serveraddress: key } : { username: c.username, password: c.secret, serveraddress: key };
    return Buffer.from(JSON.stringify(auth)).toString('base64url');
  }
  const entry = raw.auths?.[key];
  if (!entry?.auth) return 'e30=';
  const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
  const i = plain.indexOf(':');
  if (i <= 0) return 'e30=';
  return Buffer.from(JSON.stringify({ username: plain.slice(0, i), password: plain.slice(i + 1), serveraddress: key })).toString('base64url');
}

/**
 * Stores credentials for `server`: through its credential helper when config.json names one,
 * else in config.json. Returns the file's path and the helper used (docker warns of plain-text
 * storage only without one).
 */
export async function storeCredentials(ctx: CliContext, server: string, username: string, password: string): Promise<{ path: string; helper?: string }> {
  const path = await configPath(ctx);
  const raw = await readRaw(path);
  const helper = helperFor(raw, server);
  if (helper) {
    await helperStore(helper, { serverUrl: server, username, secret: password }, ctx.env);
    raw.auths = { ...(raw.auths ?? {}), [server]: {} };
    await writeRaw(path, raw);
    return { path, helper };
  }
  raw.auths = { ...(raw.auths ?? {}), [server]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
  await writeRaw(path, raw);
  return { path };
}

/** Removes stored credentials (from the helper too); false when there were none to remove. */
export async function removeCredentials(ctx: CliContext, server: string): Promise<boolean> {
  const path = await configPath(ctx);
  const raw = await readRaw(path);
  const helper = helperFor(raw, server);
  if (helper) await helperErase(helper, server, ctx.env);
  if (!raw.auths?.[server]) return helper !== undefined;
  delete raw.auths[server];
  await writeRaw(path, raw);
  return true;
}
