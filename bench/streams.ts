// Memory of berthd while its clients are slow or stalled (issue 13, section 2): how far above
// idle its RSS goes while
//   (a) a `docker attach` client is stopped (SIGSTOP) during `yes`,
//   (b) an /events client never reads during create/remove cycles,
//   (c) `docker logs` and `docker logs -f` read a 200 MB line,
//   (d) a `logs -f` client reads at 10 KB/s.
// Prints a markdown table. Memory is reported here, never asserted in a test.
//
// usage (as root, after `npm run build`): node dist/bench/streams.js
// Environment: BENCH_STALL_S (30) how long (a) and (d) last, BENCH_CYCLES (500) for (b),
// BENCH_LINE_MB (200) for (c), DOCKER_CLI (/usr/local/bin/docker).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { startDaemon, type Daemon } from '../test/helpers/daemon.js';

const STALL_S = Number(process.env.BENCH_STALL_S ?? 30);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 500);
const LINE_MB = Number(process.env.BENCH_LINE_MB ?? 200);
const DOCKER = process.env.DOCKER_CLI ?? '/usr/local/bin/docker';
const MiB = 1024 * 1024;
const TARGET = 64 * MiB;
const FOLLOW_GIVE_UP_MS = 120_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** Samples berthd's RSS every 100 ms while `work` runs; returns the highest value seen. */
async function peakDuring(pid: number, work: () => Promise<void>): Promise<number> {
  let peak = rss(pid);
  const timer = setInterval(() => { peak = Math.max(peak, rss(pid)); }, 100);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rss(pid));
}

/** The docker CLI against the daemon; stdout is counted and dropped, never kept. */
function dockerCli(d: Daemon, args: string[]): { child: ChildProcess; bytes: () => number; done: Promise<number> } {
  const child = spawn(DOCKER, args, { env: { ...process.env, ...d.env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let n = 0;
  child.stdout!.on('data', (c: Buffer) => { n += c.length; });
  const done = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
  return { child, bytes: () => n, done };
}

async function docker(d: Daemon, args: string[]): Promise<string> {
  const r = await d.docker(args, { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function untilTrue(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Bytes in a container's log files so far. */
async function logBytes(d: Daemon, id: string): Promise<number> {
  const r = await d.api({ path: `/v1.50/containers/${id}/json?size=0` });
  const { LogPath } = r.json<{ LogPath: string }>();
  try { return statSync(LogPath).size; } catch { return 0; }
}

interface Row { scenario: string; idle: number; peak: number; note: string }

async function attachStopped(d: Daemon, pid: number): Promise<Row> {
  const id = await docker(d, ['run', '-d', 'busybox', 'yes']);
  await sleep(1000);
  const idle = rss(pid);
  const a = dockerCli(d, ['attach', '--no-stdin', id]);
  await untilTrue('attach output', () => a.bytes() > MiB);
  const peak = await peakDuring(pid, async () => {
    a.child.kill('SIGSTOP');
    await sleep(STALL_S * 1000);
    a.child.kill('SIGCONT');
    const before = a.bytes();
    await untilTrue('output after resuming', () => a.bytes() > before + 10 * MiB, 60_000);
  });
  a.child.kill('SIGKILL');
  await a.done;
  await docker(d, ['rm', '-f', id]);
  return { scenario: `(a) attach client stopped ${STALL_S} s during \`yes\``, idle, peak, note: 'resumed: output flows again' };
}

async function eventsNeverRead(d: Daemon, pid: number): Promise<Row> {
  const idle = rss(pid);
  const sock = connect(d.socket);
  sock.write('GET /v1.50/events HTTP/1.1\r\nHost: berth\r\n\r\n');
  await new Promise((r) => sock.once('data', r));
  sock.pause();
  let ended = false;
  sock.on('end', () => { ended = true; });
  const peak = await peakDuring(pid, async () => {
    for (let i = 0; i < CYCLES; i++) {
      const c = await d.api({ method: 'POST', path: '/v1.50/containers/create', body: { Image: 'busybox', Cmd: ['true'] } });
      if (c.status !== 201) throw new Error(`create: ${c.status} ${c.body}`);
      const rm = await d.api({ method: 'DELETE', path: `/v1.50/containers/${c.json<{ Id: string }>().Id}` });
      if (rm.status !== 204) throw new Error(`remove: ${rm.status} ${rm.body}`);
    }
  });
  // Read what was kept for the client, to see whether its stream was ended.
  sock.resume();
  await sleep(500);
  sock.destroy();
  return { scenario: `(b) /events client never reads, ${CYCLES} create/remove cycles`, idle, peak, note: ended ? 'stream ended (backlog full)' : 'stream open (backlog under 1 MiB)' };
}

async function longLine(d: Daemon, pid: number): Promise<Row[]> {
  const size = LINE_MB * MiB;
  const id = await docker(d, ['run', '-d', 'busybox', 'sh', '-c', `head -c ${size} /dev/zero | tr '\\0' x; exec sleep 3600`]);
  await untilTrue('the line in the log', async () => (await logBytes(d, id)) >= size);
  await sleep(1000);
  const rows: Row[] = [];
  for (const follow of [false, true]) {
    const idle = rss(pid);
    let read = 0;
    const peak = await peakDuring(pid, async () => {
      const l = dockerCli(d, ['logs', ...(follow ? ['-f'] : []), id]);
      if (follow) {
        // A daemon that holds a line back until its newline sends nothing here: give up then.
        await untilTrue('the whole line', () => l.bytes() >= size, FOLLOW_GIVE_UP_MS).catch(() => {});
        l.child.kill('SIGTERM');
      }
      await l.done;
      read = l.bytes();
    });
    rows.push({ scenario: `(c) \`docker logs${follow ? ' -f' : ''}\` of a ${LINE_MB} MB line`, idle, peak, note: `${(read / MiB).toFixed(0)} MiB read` });
  }
  rows.push(await slowFollower(d, pid, id));
  await docker(d, ['rm', '-f', id]);
  return rows;
}

/** (d): a raw `logs?follow=1` client that takes 10 KB a second. */
async function slowFollower(d: Daemon, pid: number, id: string): Promise<Row> {
  const idle = rss(pid);
  const sock = connect(d.socket);
  sock.write(`GET /v1.50/containers/${id}/logs?stdout=1&follow=1 HTTP/1.1\r\nHost: berth\r\n\r\n`);
  let read = 0;
  const peak = await peakDuring(pid, async () => {
    sock.pause();
    const t0 = Date.now();
    while (Date.now() - t0 < STALL_S * 1000) {
      const want = ((Date.now() - t0) / 1000) * 10_000;
      while (read < want) {
        const c = sock.read(Math.min(4096, Math.ceil(want - read))) as Buffer | null;
        if (!c) break;
        read += c.length;
      }
      await sleep(100);
    }
  });
  sock.destroy();
  return { scenario: `(d) \`logs -f\` read at 10 KB/s for ${STALL_S} s`, idle, peak, note: `${(read / 1000).toFixed(0)} KB read` };
}

const mib = (n: number): string => (n / MiB).toFixed(1);

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root: berthd needs mounts, namespaces and cgroups');
  const d = await startDaemon();
  try {
    const pid = d.pid!;
    // Warm up the paths the scenarios use, so the idle figure is not taken cold.
    await docker(d, ['run', '--rm', 'busybox', 'true']);
    console.log(`berthd RSS above idle (target: at most ${mib(TARGET)} MiB)\n`);
    console.log('| scenario | idle MiB | peak MiB | above idle MiB | within target | |');
    console.log('|---|---:|---:|---:|:---:|---|');
    const print = (r: Row): void => {
      console.log(`| ${r.scenario} | ${mib(r.idle)} | ${mib(r.peak)} | ${mib(r.peak - r.idle)} | ${r.peak - r.idle <= TARGET ? 'yes' : 'NO'} | ${r.note} |`);
    };
    print(await attachStopped(d, pid));
    print(await eventsNeverRead(d, pid));
    for (const r of await longLine(d, pid)) print(r);
  } finally {
    await d.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
