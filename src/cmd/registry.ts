/**
 * `berth registry serve [--config FILE] --addr HOST:PORT --root DIR ...` and `berth registry gc --root DIR [--dry-run]`:
 * the registry's own process. It shares only lib/ and oci/ with the daemon and the CLI.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseGoDuration } from '../lib/time/timestamp.js';
import { authFromConfig } from '../registry/auth/from-config.js';
import { loadConfig, type RegistryConfig } from '../registry/config.js';
import { collectGarbage } from '../registry/gc.js';
import { createRegistryServer, type AccessLogEntry } from '../registry/server.js';
import { FsRegistryStore } from '../registry/storage/fs-store.js';
import { PROXY_FLAGS, proxyStore } from './registry-proxy.js';

const USAGE = `Usage:  berth registry serve [--config FILE] [--addr HOST:PORT] [--root DIR]
                             [--tls-cert FILE --tls-key FILE]
                             [--auth none|htpasswd|token] [--htpasswd FILE]
                             [--proxy-remote-url URL [--proxy-username USER --proxy-password PASS]
                              [--proxy-tag-ttl 30s]]
        berth registry gc --root DIR [--dry-run] [--delete-untagged] [--grace DURATION]

Run an OCI Distribution registry storing its content under DIR (with --proxy-remote-url, a
read-only pull-through cache of that registry), or delete the blobs no manifest references
(gc; safe while a registry serves DIR). Flags override the config file (YAML or JSON); its
format is in docs/registry.md.
`;

function logLine(fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

/** "HOST:PORT", ":PORT" (every address) or "[v6]:PORT". */
export function parseAddr(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(addr);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid --addr ${JSON.stringify(addr)}: want HOST:PORT`);
  return { host: m[1] ?? (m[2] || undefined), port };
}

/** Where access-log lines go: nowhere, stderr, or appended to a file. */
function accessLogSink(config: RegistryConfig): { write: (e: AccessLogEntry) => void; close: () => Promise<void> } {
  if (!config.log.access) return { write: () => {}, close: () => Promise.resolve() };
  if (config.log.file === undefined) return { write: (e) => { process.stderr.write(`${JSON.stringify(e)}\n`); }, close: () => Promise.resolve() };
  const out = createWriteStream(config.log.file, { flags: 'a', mode: 0o640 });
  out.on('error', (err) => logLine({ level: 'error', msg: `access log ${config.log.file}: ${err.message}` }));
  return { write: (e) => { out.write(`${JSON.stringify(e)}\n`); }, close: () => new Promise((ok) => out.end(() => ok())) };
}

async function readTls(config: RegistryConfig): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (!config.tls) return undefined;
  const read = async (what: string, p: string): Promise<Buffer> => {
    try {
      return await readFile(p);
    } catch (err) {
      throw new Error(`cannot read TLS ${what} ${p}: ${(err as Error).message}`);
    }
  };
  return { cert: await read('certificate', config.tls.certificate), key: await read('key', config.tls.key) };
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' }, addr: { type: 'string' }, root: { type: 'string' },
      'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, auth: { type: 'string' }, htpasswd: { type: 'string' },
      ...PROXY_FLAGS,
    },
  });
  const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(p));
  const config = await loadConfig({
    config: values.config, addr: values.addr, root: abs(values.root), tlsCert: abs(values['tls-cert']),
    tlsKey: abs(values['tls-key']), auth: values.auth, htpasswd: abs(values.htpasswd),
  });
  if (!config.root) throw new Error('--root is required (or root: in the config file)');
  const { host, port } = parseAddr(config.addr);
  const tls = await readTls(config);
  const auth = await authFromConfig(config);
  const fsStore = await FsRegistryStore.open(config.root);
  const store = proxyStore(fsStore, values) ?? fsStore;
  const log = accessLogSink(config);
  let server;
  try {
    server = createRegistryServer({ store, tls, ...auth, accessLog: log.write });
  } catch (err) {
    await store.close();
    throw new Error(`cannot serve TLS with ${config.tls?.certificate} and ${config.tls?.key}: ${(err as Error).message}`);
  }
  const srv = server;
  await new Promise<void>((ok, fail) => {
    srv.once('error', fail);
    srv.listen(port, host, () => ok());
  });
  const a = srv.address();
  const bound = a && typeof a === 'object' ? (a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`) : config.addr;
  logLine({ level: 'info', msg: 'listening', addr: bound, root: store.root, tls: tls !== undefined, auth: config.auth.type, ...(values['proxy-remote-url'] ? { proxy: values['proxy-remote-url'] } : {}) });
  await new Promise<void>((done) => {
    const stop = (sig: string): void => {
      logLine({ level: 'info', msg: `received ${sig}, shutting down` });
      srv.close(() => done());
      // Requests in flight get a moment; idle keep-alive connections go at once.
      srv.closeIdleConnections();
      setTimeout(() => srv.closeAllConnections(), 5000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await store.close();
  await log.close();
  return 0;
}

async function gc(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'root': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'delete-untagged': { type: 'boolean', default: false },
      'grace': { type: 'string', default: '0s' },
    },
  });
  if (!values.root) throw new Error('--root is required');
  const graceNs = parseGoDuration(values.grace);
  if (graceNs === undefined || graceNs < 0) throw new Error(`invalid --grace ${JSON.stringify(values.grace)}: want a duration such as 30m`);
  const dryRun = values['dry-run'];
  const r = await collectGarbage(resolve(values.root), { dryRun, deleteUntagged: values['delete-untagged'], graceMs: graceNs / 1e6 });
  for (const m of r.manifestsDeleted) process.stdout.write(`${dryRun ? 'would delete' : 'deleted'} manifest ${m}\n`);
  for (const d of r.deleted) process.stdout.write(`${dryRun ? 'would delete' : 'deleted'} blob ${d}\n`);
  process.stdout.write(`${r.manifests} manifests, ${r.blobsKept} blobs kept (${r.recent} recently used), ${r.deleted.length} blobs ${dryRun ? 'eligible for deletion' : 'deleted'} (${r.bytesFreed} bytes)\n`);
  return 0;
}

/** Runs `berth registry <args>`; the exit status. */
export async function registryMain(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'serve') return await serve(rest);
    if (sub === 'gc') return await gc(rest);
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      process.stdout.write(USAGE);
      return sub === undefined ? 1 : 0;
    }
    process.stderr.write(`berth registry: unknown command ${JSON.stringify(sub)}\n\n${USAGE}`);
    return 1;
  } catch (err) {
    process.stderr.write(`berth registry: ${(err as Error).message}\n`);
    return 1;
  }
}
