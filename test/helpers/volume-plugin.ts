// A small volume plugin speaking Docker's VolumeDriver protocol, in the test process: a node http
// server on <dir>/<name>.sock that keeps each volume as a directory under its own root and records
// every call, so tests can point berthd's --plugin-dir at `dir` and check what berth asked.
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpParent } from './paths.js';

export interface PluginCall {
  /** "Plugin.Activate", "VolumeDriver.Create", … */
  method: string;
  body: Record<string, unknown>;
  /** The request's Accept and Content-Type headers. */
  accept: string | undefined;
  contentType: string | undefined;
}

export interface TestVolumePlugin {
  name: string;
  /** The plugin dir to give berthd (--plugin-dir): holds <name>.sock. */
  dir: string;
  socket: string;
  /** Where volumes live: <root>/<volume>. */
  root: string;
  calls: PluginCall[];
  /** Calls of one method ("Mount" is short for "VolumeDriver.Mount"), optionally for one volume. */
  callsOf(method: string, volume?: string): PluginCall[];
  /**
   * The next calls of `method` (for `volume` only, when given) answer `{"Err": text}`, with HTTP
   * 200 or the status given (a go-plugins-helpers plugin answers 500). `undefined` text clears it.
   */
  failWith(method: string, text: string | undefined, opts?: { volume?: string; status?: number }): void;
  /** Gives the plugin a volume berth did not create (one made before, or by another host), with these files in it. */
  seed(volume: string, files?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface VolumePluginOptions {
  /** What Plugin.Activate lists (default ["VolumeDriver"]). */
  implements?: string[];
  /** Put the socket in this dir instead of a fresh temp dir. */
  dir?: string;
}

export async function startVolumePlugin(name: string, opts: VolumePluginOptions = {}): Promise<TestVolumePlugin> {
  mkdirSync(tmpParent, { recursive: true });
  const base = await mkdtemp(join(tmpParent, 'vp-'));
  const dir = opts.dir ?? join(base, 'plugins');
  const root = join(base, 'volumes');
  await mkdir(dir, { recursive: true });
  await mkdir(root, { recursive: true });
  const socket = join(dir, `${name}.sock`);
  const calls: PluginCall[] = [];
  const failures = new Map<string, { text: string; volume?: string; status: number }>();
  const volumes = new Map<string, { opts: Record<string, unknown>; mounts: Set<string> }>();
  const full = (m: string): string => (m.includes('.') ? m : `VolumeDriver.${m}`);

  const answer = async (method: string, body: Record<string, unknown>): Promise<[number, unknown]> => {
    const vol = typeof body.Name === 'string' ? body.Name : '';
    const f = failures.get(method);
    if (f && (!f.volume || f.volume === vol)) return [f.status, { Err: f.text }];
    const path = join(root, vol);
    switch (method) {
      case 'Plugin.Activate': return [200, { Implements: opts.implements ?? ['VolumeDriver'] }];
      case 'VolumeDriver.Capabilities': return [200, { Capabilities: { Scope: 'local' } }];
      case 'VolumeDriver.Create':
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(vol)) return [200, { Err: `bad name ${vol}` }];
        await mkdir(path, { recursive: true });
        if (!volumes.has(vol)) volumes.set(vol, { opts: (body.Opts as Record<string, unknown> | null) ?? {}, mounts: new Set() });
        return [200, { Err: '' }];
      case 'VolumeDriver.Remove':
        if (!volumes.has(vol)) return [200, { Err: `no such volume ${vol}` }];
        if (volumes.get(vol)!.mounts.size) return [200, { Err: `volume ${vol} is mounted` }];
        volumes.delete(vol);
        await rm(path, { recursive: true, force: true });
        return [200, { Err: '' }];
      case 'VolumeDriver.Mount':
        if (!volumes.has(vol)) return [200, { Err: `no such volume ${vol}` }];
        volumes.get(vol)!.mounts.add(String(body.ID));
        return [200, { Mountpoint: path, Err: '' }];
      case 'VolumeDriver.Unmount':
        if (!volumes.get(vol)?.mounts.delete(String(body.ID))) return [200, { Err: `${vol} is not mounted for ${String(body.ID)}` }];
        return [200, { Err: '' }];
      case 'VolumeDriver.Path':
        return volumes.has(vol) ? [200, { Mountpoint: path, Err: '' }] : [200, { Err: `no such volume ${vol}` }];
      case 'VolumeDriver.Get':
        return volumes.has(vol) ? [200, { Volume: { Name: vol, Mountpoint: path, Status: {} }, Err: '' }] : [200, { Err: `no such volume ${vol}` }];
      case 'VolumeDriver.List':
        return [200, { Volumes: [...volumes.keys()].map((n) => ({ Name: n, Mountpoint: join(root, n) })), Err: '' }];
      default: return [404, `404 page not found\n`];
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '/').slice(1);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // recorded as {}
      }
      calls.push({ method, body, accept: req.headers.accept, contentType: req.headers['content-type'] });
      answer(method, body).then(([status, doc]) => {
        res.writeHead(status, { 'Content-Type': 'application/vnd.docker.plugins.v1+json' });
        res.end(typeof doc === 'string' ? doc : JSON.stringify(doc));
      }, (err: Error) => {
        res.writeHead(500);
        res.end(JSON.stringify({ Err: err.message }));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });

  return {
    name, dir, socket, root, calls,
    callsOf: (method, volume) => calls.filter((c) => c.method === full(method) && (volume === undefined || c.body.Name === volume)),
    failWith(method, text, o = {}) {
      if (text === undefined) failures.delete(full(method));
      else failures.set(full(method), { text, status: o.status ?? 200, ...(o.volume ? { volume: o.volume } : {}) });
    },
    async seed(volume, files = {}) {
      await mkdir(join(root, volume), { recursive: true });
      for (const [f, text] of Object.entries(files)) await writeFile(join(root, volume, f), text);
      if (!volumes.has(volume)) volumes.set(volume, { opts: {}, mounts: new Set() });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(base, { recursive: true, force: true });
    },
  };
}
