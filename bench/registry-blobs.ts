// Blob throughput of the berth registry against Distribution 2.8 (Debian's docker-registry) on
// the same machine: many clients pushing distinct blobs at once (POST, then PUT with the bytes),
// then many clients reading them back (GET), and each server's peak RSS. Prints a markdown table.
//
// usage (after `npm run build`): node dist/bench/registry-blobs.js
// Environment: BENCH_CLIENTS (8) parallel clients, BENCH_BLOBS (64) blobs pushed,
// BENCH_BLOB_MB (8) size of each, BENCH_GET_ROUNDS (4) times every blob is read back.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '../test/helpers/registry.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const BLOBS = Number(process.env.BENCH_BLOBS ?? 64);
const BLOB_MB = Number(process.env.BENCH_BLOB_MB ?? 8);
const GET_ROUNDS = Number(process.env.BENCH_GET_ROUNDS ?? 4);
const MiB = 1024 * 1024;

interface Target {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function peakRss(pid: number): Promise<number> {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });

function call(method: string, url: string, body?: Buffer): Promise<{ status: number; location?: string }> {
  return new Promise((ok, fail) => {
    const req = request(url, { method, agent, headers: body ? { 'Content-Length': body.length, 'Content-Type': 'application/octet-stream' } : { 'Content-Length': 0 } }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode ?? 0, location: res.headers.location }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function pool(n: number, jobs: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs) await job(next++);
  }));
}

async function measure(t: Target, blobs: Array<{ data: Buffer; digest: string }>): Promise<{ put: number; get: number; rss: number }> {
  const bytes = blobs.length * BLOB_MB * MiB;
  let t0 = performance.now();
  await pool(CLIENTS, blobs.length, async (i) => {
    const b = blobs[i]!;
    const start = await call('POST', `${t.url}/v2/bench/blobs/uploads/`);
    if (start.status !== 202) throw new Error(`${t.name}: POST ${start.status}`);
    const loc = new URL(start.location!, t.url);
    loc.searchParams.set('digest', b.digest);
    const done = await call('PUT', loc.toString(), b.data);
    if (done.status !== 201) throw new Error(`${t.name}: PUT ${done.status}`);
  });
  const put = bytes / MiB / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await pool(CLIENTS, blobs.length * GET_ROUNDS, async (i) => {
    const r = await call('GET', `${t.url}/v2/bench/blobs/${blobs[i % blobs.length]!.digest}`);
    if (r.status !== 200) throw new Error(`${t.name}: GET ${r.status}`);
  });
  const get = (bytes * GET_ROUNDS) / MiB / ((performance.now() - t0) / 1000);
  return { put, get, rss: await peakRss(t.pid) };
}

async function startBerth(): Promise<Target> {
  const reg = await startRegistry();
  return { name: 'berth registry', url: reg.url, pid: await childPid('registry'), stop: () => reg.cleanup() };
}

/** The pid of our child process whose command line mentions `word` (bin/berth is a node process). */
async function childPid(word: string): Promise<number> {
  const kids = (await readFile(`/proc/self/task/${process.pid}/children`, 'utf8')).trim().split(/\s+/).map(Number);
  for (const k of kids) {
    const cmd = await readFile(`/proc/${k}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(word)) return k;
  }
  throw new Error(`no child process running ${word}`);
}

async function startDistribution(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-distribution-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  await writeFile(config, [
    'version: 0.1',
    'log: { level: error }',
    `storage: { filesystem: { rootdirectory: ${join(dir, 'root')} }, delete: { enabled: true } }`,
    `http: { addr: 127.0.0.1:${port} }`,
  ].join('\n'));
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await call('GET', `${url}/v2/`)).status === 200) break;
    } catch { /* not listening yet */ }
    if (i > 100) throw new Error('docker-registry did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: 'Distribution 2.8', url, pid: child.pid!,
    async stop() {
      await new Promise<void>((ok) => { child.once('exit', () => ok()); child.kill('SIGTERM'); });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  // Distinct blobs cut from one random pool, hashed before the clock starts.
  const poolBuf = randomBytes(BLOB_MB * MiB + BLOBS * 4096);
  const blobs = Array.from({ length: BLOBS }, (_, i) => {
    const data = poolBuf.subarray(i * 4096, i * 4096 + BLOB_MB * MiB);
    return { data, digest: `sha256:${createHash('sha256').update(data).digest('hex')}` };
  });
  const rows: string[] = [];
  for (const start of [startBerth, startDistribution]) {
    const t = await start();
    try {
      const r = await measure(t, blobs);
      rows.push(`| ${t.name} | ${r.put.toFixed(0)} | ${r.get.toFixed(0)} | ${(r.rss / MiB).toFixed(0)} |`);
    } finally {
      await t.stop();
    }
  }
  process.stdout.write(`${CLIENTS} clients, ${BLOBS} blobs of ${BLOB_MB} MiB, each read ${GET_ROUNDS} times\n\n`);
  process.stdout.write('| server | PUT MB/s | GET MB/s | peak RSS MiB |\n|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
  agent.destroy();
}

await main();
