/**
 * `berth registry serve --addr HOST:PORT --root DIR` and `berth registry gc --root DIR [--dry-run]`:
 * the registry's own process. It shares only lib/ and oci/ with the daemon and the CLI.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseGoDuration } from '../lib/time/timestamp.js';
import { collectGarbage } from '../registry/gc.js';
import { createRegistryServer } from '../registry/server.js';
import { FsRegistryStore } from '../registry/storage/fs-store.js';
import { PROXY_FLAGS, proxyStore } from './registry-proxy.js';

const USAGE = `Usage:  berth registry serve --addr HOST:PORT --root DIR
        berth registry serve --addr HOST:PORT --root DIR --proxy-remote-url URL
                             [--proxy-username USER --proxy-password PASS] [--proxy-tag-ttl 30s]
        berth registry gc --root DIR [--dry-run] [--delete-untagged] [--grace DURATION]

Run an OCI Distribution registry storing its content under DIR (with --proxy-remote-url, a
read-only pull-through cache of that registry), or delete the blobs no manifest references
(gc; safe while a registry serves DIR).
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

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'addr': { type: 'string', default: ':5000' },
      'root': { type: 'string' },
      ...PROXY_FLAGS,
    },
  });
  if (!values.root) throw new Error('--root is required');
  const { host, port } = parseAddr(values.addr);
  const fsStore = await FsRegistryStore.open(resolve(values.root));
  const store = proxyStore(fsStore, values) ?? fsStore;
  const server = createRegistryServer({ store });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const a = server.address();
  const bound = a && typeof a === 'object' ? (a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`) : values.addr;
  logLine({ level: 'info', msg: 'listening', addr: bound, root: store.root, ...(values['proxy-remote-url'] ? { proxy: values['proxy-remote-url'] } : {}) });
  await new Promise<void>((done) => {
    const stop = (sig: string): void => {
      logLine({ level: 'info', msg: `received ${sig}, shutting down` });
      server.close(() => done());
      // Requests in flight get a moment; idle keep-alive connections go at once.
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await store.close();
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
