// Helpers for the networking tests: a daemon with networking of its own (tag, bridge address,
// pools that do not collide with other daemons on this host), snapshots of the kernel objects
// an engine owns (links, namespaces, its nftables table) so tests can count leftovers, an HTTP
// GET that reports instead of throwing, and an "outside host" made of a namespace and a veth.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { engine, startDaemon, type Daemon, type StartDaemonOptions } from './daemon.js';
import { findBinary } from './prereq.js';

/** A daemon started by startNetDaemon, with the tag its kernel objects carry. */
export interface NetDaemon extends Daemon {
  /** berthd's --net-tag (its nftables table, bridge and namespace prefix); for dockerd the bridge it was given. */
  netTag: string;
}

// dockerd reference mode with networking on: a bridge of this file's own instead of docker0
// (another dockerd on the host may own that one), NAT through iptables, and pools away from
// Docker's and berth's defaults. Run such files one at a time (BERTH_TEST_CONCURRENCY=1):
// dockerd's iptables chains are host-wide.
// (bench/network.sh's dockerd takes 172.30.0.0/24 and 172.29.0.0/16.)
const DOCKERD_POOL = 'base=172.28.0.0/16,size=24';

function rand(n: number): number {
  return randomBytes(2).readUInt16BE(0) % n;
}

/**
 * The flags that keep a berthd's networking apart from every other daemon here: its own tag
 * (short: interface names hold 15 characters), default-bridge subnet and address pool.
 * If test/helpers/daemon.ts starts passing these itself, drop them here.
 */
export function berthNetArgs(tag: string): string[] {
  const pool = `base=10.${240 + rand(10)}.${rand(16) * 16}.0/20,size=24`;
  return ['--net-tag', tag, '--bip', `10.239.${rand(256)}.1/24`, '--default-address-pool', pool];
}

/** Reads the last `--net-tag` from a running daemon's command line, if it has one. */
function tagFromCmdline(pid: number | undefined): string | undefined {
  if (!pid) return undefined;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    let tag: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--net-tag') tag = argv[i + 1];
      else if (argv[i]!.startsWith('--net-tag=')) tag = argv[i]!.slice('--net-tag='.length);
    }
    return tag;
  } catch {
    return undefined;
  }
}

/** startDaemon with networking of its own; for dockerd, its bridge and NAT switched on. */
export async function startNetDaemon(opts: StartDaemonOptions & { dockerdArgs?: string[] } = {}): Promise<NetDaemon> {
  if (engine === 'dockerd') {
    const bridge = `tcmpd${rand(1000)}`;
    ip(['link', 'add', bridge, 'type', 'bridge']);
    ip(['addr', 'add', `172.30.${1 + rand(250)}.1/24`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
    const subnet = /inet (\d+\.\d+\.\d+)\./.exec(ip(['-4', 'addr', 'show', bridge]))![1]! + '.';
    const tablesBefore = new Set(nftTables().keys());
    let d: Daemon;
    try {
      d = await startDaemon({
        ...opts,
        args: ['--bridge', bridge, '--iptables=true', '--ip-masq=true', '--default-address-pool', DOCKERD_POOL, ...(opts.dockerdArgs ?? []), ...(opts.args ?? [])],
      });
    } catch (e) {
      ip(['link', 'del', bridge], true);
      throw e;
    }
    const stop = d.stop.bind(d);
    return Object.assign(d, {
      netTag: bridge,
      async stop() {
        // dockerd keeps its networks' bridges when it stops, and the data root goes with the test.
        const ids = d.pid ? (await d.docker(['network', 'ls', '-q', '--no-trunc'])).stdout.split('\n').filter(Boolean) : [];
        const bridges = [bridge, ...ids.map((id) => `br-${id.slice(0, 12)}`)];
        await d.docker(['rm', '-f', ...(await d.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean)]);
        await d.docker(['network', 'prune', '-f']);
        await stop();
        for (const b of bridges) ip(['link', 'del', b], true);
        cleanDockerIptables(bridges, subnet, tablesBefore);
      },
    });
  }
  const wanted = `c${randomBytes(2).toString('hex').slice(0, 3)}`;
  const d = await startDaemon({ ...opts, args: [...berthNetArgs(wanted), ...(opts.args ?? [])] });
  const netTag = tagFromCmdline(d.pid) ?? wanted;
  const stop = d.stop.bind(d);
  return Object.assign(d, {
    netTag,
    async stop() {
      await stop();
      sweepTag(netTag);
    },
  });
}

/**
 * After berthd stopped: whatever of its tag is still in the kernel (kept on purpose across a
 * restart, leaked, or left by a daemon that died) is removed, so one test file's kernel objects
 * do not outlive it, and named on stderr.
 */
function sweepTag(tag: string): void {
  const left: string[] = [];
  if (nftTables().has(`inet ${tag}`)) {
    left.push(`nft table inet ${tag}`);
    try {
      execFileSync('nft', ['delete', 'table', 'inet', tag], { stdio: 'ignore' });
    } catch {
      // gone meanwhile
    }
  }
  for (const l of links()) {
    if (l.ifname === `${tag}0` || l.ifname.startsWith(`${tag}-`) || l.ifname.startsWith(`${tag}v`)) {
      left.push(`link ${l.ifname}`);
      ip(['link', 'del', l.ifname], true);
    }
  }
  if (existsSync('/run/netns')) {
    for (const n of readdirSync('/run/netns').filter((x) => x.startsWith(`${tag}-`))) {
      left.push(`netns ${n}`);
      ip(['netns', 'del', n], true);
    }
  }
  if (left.length) process.stderr.write(`[test helper] berthd --net-tag ${tag} kept after it stopped; removed now: ${left.join(', ')}\n`);
}

/** Whether another dockerd runs with its iptables on (then Docker's shared chains stay). */
function otherDockerdWithIptables(): boolean {
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('dockerd') && !argv.includes('--iptables=false')) return true;
    } catch {
      // gone
    }
  }
  return false;
}

/**
 * What a stopped dockerd with --iptables leaves behind: rules naming its bridges or subnets,
 * then (when no other dockerd uses them) Docker's chains, then iptables' tables if they did not
 * exist before it. Only for the reference mode; never touches berth's tables.
 */
function cleanDockerIptables(bridges: string[], subnet: string, tablesBefore: Set<string>): void {
  const mine = (r: string) => bridges.some((b) => r.includes(b)) || r.includes('172.28.') || r.includes(subnet);
  const shared = !otherDockerdWithIptables();
  const ipt = (args: string[]) => {
    try {
      execFileSync('iptables', args, { stdio: 'ignore' });
    } catch {
      // gone already
    }
  };
  for (const table of ['filter', 'nat']) {
    let rules: string[];
    try {
      rules = execFileSync('iptables', ['-t', table, '-S'], { encoding: 'utf8' }).split('\n');
    } catch {
      continue;
    }
    for (const r of rules) {
      if (!r.startsWith('-A ')) continue;
      if (mine(r) || (shared && / -j DOCKER/.test(r))) ipt(['-t', table, ...r.replace(/^-A /, '-D ').split(' ').map((a) => a.replace(/^"|"$/g, ''))]);
    }
    if (shared) {
      for (const r of rules) {
        const m = /^-N (DOCKER\S*)$/.exec(r);
        if (m) ipt(['-t', table, '-F', m[1]!]);
      }
      for (const r of rules) {
        const m = /^-N (DOCKER\S*)$/.exec(r);
        if (m) ipt(['-t', table, '-X', m[1]!]);
      }
    }
    if (!tablesBefore.has(`ip ${table}`)) {
      const left = execFileSync('iptables', ['-t', table, '-S'], { encoding: 'utf8' }).split('\n').filter((l) => l && !l.startsWith('-P '));
      if (left.length === 0) {
        try {
          execFileSync('nft', ['delete', 'table', 'ip', table], { stdio: 'ignore' });
        } catch {
          // someone else's now
        }
      }
    }
  }
}

/** `ip …`, throwing with its stderr unless `quiet` (for best-effort cleanup). */
export function ip(args: string[], quiet = false): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (quiet) return '';
    const err = e as { stderr?: string };
    throw new Error(`ip ${args.join(' ')}: ${err.stderr ?? String(e)}`);
  }
}

/** The host's first non-loopback, non-link-local IPv4 address (eth0's here). */
export function hostAddress(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (name === 'lo') continue;
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) {
        // Skip bridges and veths engines make: only a real uplink is "the host's address".
        if (/^(docker|br-|berth|veth|tcmp)/.test(name)) continue;
        return a.address;
      }
    }
  }
  throw new Error('no non-loopback IPv4 address on this host');
}

export interface HttpResult {
  status: number;
  body: string;
  /** Set when no HTTP answer came: the socket error or "timeout". */
  error?: string;
}

/** GET url; never throws, so a failed fetch is an assertion message rather than a crash. */
export function httpGet(url: string, timeoutMs = 5_000): Promise<HttpResult> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
    req.end();
  });
}

/** Retries httpGet until a 200 (a server in a just-started container may not listen yet). */
export async function httpGetOk(url: string, timeoutMs = 15_000): Promise<HttpResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await httpGet(url, 3_000);
    if (r.status === 200 || Date.now() > deadline) return r;
    await sleep(150);
  }
}

/* ---- nftables ---- */

/** `nft list ruleset` split into tables: "family name" → the table's text. */
export function nftTables(): Map<string, string> {
  const out = new Map<string, string>();
  let text = '';
  try {
    text = execFileSync('nft', ['list', 'ruleset'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch {
    return out;
  }
  let current: string | undefined;
  let body: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^table (\S+) (\S+) \{/.exec(line);
    if (m) {
      current = `${m[1]} ${m[2]}`;
      body = [line];
      continue;
    }
    if (current === undefined) continue;
    body.push(line);
    if (line === '}') {
      out.set(current, normalizeNft(body.join('\n')));
      current = undefined;
    }
  }
  return out;
}

/** Counters and handles change with traffic; the rules themselves are what must stay. */
function normalizeNft(s: string): string {
  return s.replace(/counter packets \d+ bytes \d+/g, 'counter').replace(/ # handle \d+/g, '');
}

/** The text of the engine's own table(s), any family; '' when it has none. */
export function ownNftText(d: NetDaemon): string {
  if (engine === 'dockerd') return '';
  const parts: string[] = [];
  for (const [key, text] of nftTables()) if (key.split(' ')[1] === d.netTag) parts.push(text);
  return parts.join('\n');
}

/** Lines of the engine's table that are rules or set/map elements: what grows per container. */
export function ownNftRuleCount(d: NetDaemon): number {
  return ownNftText(d)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(table|chain|set|map|type|flags|policy|hook|\}|elements = \{\s*\}?$)/.test(l)).length;
}

/* ---- kernel objects an engine owns ---- */

interface IpLink {
  ifname: string;
  master?: string;
  link_type?: string;
}

export function links(): IpLink[] {
  return JSON.parse(ip(['-j', 'link', 'show'])) as IpLink[];
}

/** The engine's devices: berthd's carry its tag; dockerd's bridges are the given one and br-<id12>. */
export function isOwnBridge(d: NetDaemon, name: string, dockerNetIds: string[] = []): boolean {
  if (engine === 'dockerd') return name === d.netTag || dockerNetIds.some((id) => name === `br-${id.slice(0, 12)}`);
  // berthd names its default bridge <tag>0, user bridges <tag>-<id…> and host veth ends <tag>v<hash>.
  return name === `${d.netTag}0` || name.startsWith(`${d.netTag}-`) || name.startsWith(`${d.netTag}v`);
}

/** Links named with the tag and links enslaved to the engine's bridges (veth host ends), sorted. */
export async function ownLinks(d: NetDaemon): Promise<string[]> {
  const ids = engine === 'dockerd' ? (await d.docker(['network', 'ls', '-q', '--no-trunc'])).stdout.split('\n').filter(Boolean) : [];
  return links()
    .filter((l) => isOwnBridge(d, l.ifname, ids) || (l.master !== undefined && isOwnBridge(d, l.master, ids)))
    .map((l) => `${l.ifname}${l.master ? `@${l.master}` : ''}`)
    .sort();
}

/** The engine's network namespaces: berthd's /run/netns/<tag>-…; dockerd's under its exec root. */
export function ownNetns(d: NetDaemon): string[] {
  if (engine === 'dockerd') {
    const dir = join(d.execRoot, 'netns');
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  }
  const dir = '/run/netns';
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(`${d.netTag}-`)).sort() : [];
}

/** Every namespace file under /run/netns naming one of the container ids (12-character prefix). */
export function netnsNaming(ids: string[]): string[] {
  const dir = '/run/netns';
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => ids.some((id) => n.includes(id.slice(0, 12))));
}

export interface KernelSnapshot {
  links: string[];
  netns: string[];
  nftRules: number;
  nftText: string;
}

export async function snapshot(d: NetDaemon): Promise<KernelSnapshot> {
  return { links: await ownLinks(d), netns: ownNetns(d), nftRules: ownNftRuleCount(d), nftText: ownNftText(d) };
}

/* ---- an "outside host": a namespace with a veth to the host and a subnet of its own ---- */

export interface OutsideHost {
  /** The host end's address: what a masqueraded container appears as. */
  hostSide: string;
  /** The outside host's address. */
  address: string;
  /** Runs busybox httpd there on `port`, serving /cgi-bin/ip (prints REMOTE_ADDR) and /index.html. */
  serve(port: number): Promise<void>;
  remove(): Promise<void>;
}

/**
 * Makes namespace `netns` with `inner` inside and `outer` on the host, subnet 100.127.77.0/24
 * (carrier-grade NAT space: neither an engine pool nor a documentation net another test uses).
 */
export async function makeOutsideHost(netns: string, outer: string, inner: string, workDir: string): Promise<OutsideHost> {
  const hostSide = '100.127.77.1';
  const address = '100.127.77.2';
  const servers: ChildProcess[] = [];
  const remove = async () => {
    for (const s of servers) {
      if (s.exitCode === null && s.signalCode === null) {
        s.kill('SIGKILL');
        await new Promise((r) => s.once('exit', r));
      }
    }
    ip(['link', 'del', outer], true);
    ip(['netns', 'del', netns], true);
  };
  await remove(); // a previous run that died half-way
  try {
    ip(['netns', 'add', netns]);
    ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner, 'netns', netns]);
    ip(['addr', 'add', `${hostSide}/24`, 'dev', outer]);
    ip(['link', 'set', outer, 'up']);
    ip(['-n', netns, 'addr', 'add', `${address}/24`, 'dev', inner]);
    ip(['-n', netns, 'link', 'set', inner, 'up']);
    ip(['-n', netns, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    await remove();
    throw e;
  }
  const www = join(workDir, 'outside-www');
  mkdirSync(join(www, 'cgi-bin'), { recursive: true });
  writeFileSync(join(www, 'index.html'), 'outside\n');
  writeFileSync(join(www, 'cgi-bin', 'ip'), '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%s\\n" "$REMOTE_ADDR"\n');
  chmodSync(join(www, 'cgi-bin', 'ip'), 0o755);
  return {
    hostSide,
    address,
    async serve(port: number) {
      const busybox = findBinary('busybox') ?? 'busybox';
      const s = spawn('ip', ['netns', 'exec', netns, busybox, 'httpd', '-f', '-p', String(port), '-h', www], { stdio: 'ignore' });
      servers.push(s);
      // From the host: the outside host is on a directly connected subnet.
      const r = await httpGetOk(`http://${address}:${port}/index.html`, 10_000);
      if (r.status !== 200) throw new Error(`the outside host's httpd in ${netns} did not answer: ${r.error ?? r.status}`);
    },
    remove,
  };
}

/* ---- a UDP echo server for busybox containers (busybox's nc has no -u, and no udpsvd here) ---- */

const UDP_ECHO = `
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
/* Answers every datagram on the port with "echo:" and the datagram, and logs the sender. */
int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = INADDR_ANY };
  if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  printf("listening\\n"); fflush(stdout);
  for (;;) {
    char buf[1500], out[1510]; struct sockaddr_in from; socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &fl);
    if (n < 0) continue;
    buf[n] = 0;
    printf("from %s: %s\\n", inet_ntoa(from.sin_addr), buf); fflush(stdout);
    int m = snprintf(out, sizeof out, "echo:%s", buf);
    sendto(s, out, m, 0, (struct sockaddr *)&from, fl);
  }
}
`;

/** Compiles the UDP echo server statically into dir (runs in a busybox container); returns its path. */
export function buildUdpEcho(dir: string): string {
  const src = join(dir, 'udp-echo.c');
  const bin = join(dir, 'udp-echo');
  writeFileSync(src, UDP_ECHO);
  execFileSync('gcc', ['-static', '-O1', '-o', bin, src], { stdio: 'pipe' });
  return bin;
}
