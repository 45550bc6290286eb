// A real berthd for a test file: its own temp data root, exec root and socket,
// so tests never touch /var/lib/berth and never see each other's state.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { api, ping, type ApiRequest, type ApiResponse } from './api.js';
import { berth, docker, type RunOptions, type RunResult } from './exec.js';
import { berthdBin, dockerBin, tmpParent } from './paths.js';
import { findBinary } from './prereq.js';

/**
 * Which engine startDaemon launches. 'berthd' normally; 'dockerd' runs the very
 * same tests against Docker Engine (Debian's docker.io) to check that a test
 * asserts Docker's behaviour and not an accident of berth's.
 */
export const engine = process.env.BERTH_TEST_ENGINE === 'dockerd' ? 'dockerd' : 'berthd';

export { api, ping } from './api.js';
export { berth, docker, run, start, describeResult, type RunResult, type RunOptions } from './exec.js';
export { skipReason, pythonSdkSkip, skipUnless, skipUnlessRoot, missingPrerequisite, compatNeeds, daemonNeeds, inCI, type Needs } from './prereq.js';

export interface StartDaemonOptions {
  /** Extra berthd flags, e.g. ['--default-runtime', 'runc']. */
  args?: string[];
  /** How long to wait for /_ping (default 30 s). */
  readyTimeoutMs?: number;
  /** Environment additions for berthd. */
  env?: Record<string, string>;
}

export interface Daemon {
  socket: string;
  /** unix://<socket>, for -H. */
  host: string;
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  logFile: string;
  /** The temp dir holding all of the above. */
  base: string;
  /** For child processes: the docker CLI (and bin/berth) then talk to this daemon. */
  env: { DOCKER_HOST: string; DOCKER_CONFIG: string };
  /** pid of the current berthd, undefined while it is down. */
  readonly pid: number | undefined;
  /** The real docker CLI against this daemon. */
  docker(args: string[], opts?: RunOptions): Promise<RunResult>;
  /** bin/berth against this daemon (via -H, so it does not depend on env lookup). */
  berth(args: string[], opts?: RunOptions): Promise<RunResult>;
  api(req: ApiRequest): Promise<ApiResponse>;
  /** Removes every container, stops berthd, unmounts and deletes the temp dirs. */
  stop(): Promise<void>;
  /** SIGKILL to berthd only: containers and their conmon keep running. */
  kill9(): Promise<void>;
  /** Stops berthd if running (SIGTERM) and starts a new one on the same roots. */
  restart(): Promise<void>;
  /** Everything berthd wrote to stdout/stderr so far, across restarts. */
  logs(): string;
}

// Every berthd a test started, so a test process that dies early still takes
// its daemons with it instead of leaving them bound to temp sockets.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function startDaemon(opts: StartDaemonOptions = {}): Promise<Daemon> {
  mkdirSync(tmpParent, { recursive: true });
  const base = await mkdtemp(join(tmpParent, 'bt-'));
  const dataRoot = join(base, 'data');
  const execRoot = join(base, 'exec');
  const socket = join(base, 'berth.sock');
  const pidfile = join(base, 'berthd.pid');
  const logFile = join(base, 'berthd.log');
  const dockerConfig = join(base, 'docker-config');
  // sun_path is 108 bytes including the NUL; conmon's attach sockets under the
  // exec root are longer still, hence the short base directory.
  if (Buffer.byteLength(socket) >= 100) throw new Error(`socket path too long for a unix socket: ${socket} (set BERTH_TEST_TMP to a shorter dir)`);
  for (const d of [dataRoot, execRoot, dockerConfig]) mkdirSync(d, { recursive: true });

  const host = `unix://${socket}`;
  let child: ChildProcess | undefined;
  const net = engine === 'berthd' ? networkArgs(opts.args ?? []) : { args: [], tag: undefined };

  const spawnDaemon = async (): Promise<void> => {
    const fd = openSync(logFile, 'a');
    const common = ['-H', host, '--data-root', dataRoot, '--exec-root', execRoot, '--pidfile', pidfile];
    // Reference mode: no bridge and no iptables so dockerd leaves the host's
    // networking alone (tests of the default network and ports then fail there).
    const [bin, args] =
      engine === 'dockerd'
        ? [findBinary('dockerd') ?? 'dockerd', [...common, '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--log-level', 'warn', ...(opts.args ?? [])]]
        : [berthdBin, [...common, '--log-level', 'debug', ...net.args, ...(opts.args ?? [])]];
    try {
      child = spawn(bin, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...(opts.env ?? {}) } });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    const c = child;
    live.add(c);
    c.once('exit', () => live.delete(c));
    let spawnError: Error | undefined;
    c.once('error', (e) => (spawnError = e));

    const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (spawnError) throw new Error(`could not start ${bin}: ${spawnError.message}`);
      if (c.exitCode !== null || c.signalCode !== null) {
        throw new Error(`${engine} exited during start-up (code ${c.exitCode}, signal ${c.signalCode}); its output:\n${tail(readLog())}`);
      }
      if (await ping(socket, 1_000)) return;
      if (Date.now() > deadline) {
        c.kill('SIGKILL');
        throw new Error(`${engine} did not answer GET /_ping on ${socket} within ${opts.readyTimeoutMs ?? 30_000} ms; its output:\n${tail(readLog())}`);
      }
      await sleep(100);
    }
  };

  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  const stopProcess = async (signal: NodeJS.Signals, graceMs: number) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill(signal);
    if (!(await waitExit(c, graceMs))) {
      c.kill('SIGKILL');
      await waitExit(c, 5_000);
    }
  };

  const env = { DOCKER_HOST: host, DOCKER_CONFIG: dockerConfig };
  const running = () => !!child && child.exitCode === null && child.signalCode === null;

  const daemon: Daemon = {
    socket,
    host,
    dataRoot,
    execRoot,
    pidfile,
    logFile,
    base,
    env,
    get pid() {
      return running() ? child!.pid : undefined;
    },
    docker: (args, o = {}) => docker(args, { ...o, env: { ...env, ...(o.env ?? {}) } }),
    berth: (args, o = {}) => berth(['-H', host, ...args], { ...o, env: { DOCKER_CONFIG: dockerConfig, ...(o.env ?? {}) } }),
    api: (req) => api(socket, req),
    logs: readLog,
    async kill9() {
      await stopProcess('SIGKILL', 5_000);
    },
    async restart() {
      await stopProcess('SIGTERM', 20_000);
      await spawnDaemon();
    },
    async stop() {
      try {
        if (running()) await removeAllContainers(socket);
      } finally {
        await stopProcess('SIGTERM', 20_000);
        await sweep(base);
        if (net.tag) sweepNetwork(net.tag);
      }
    },
  };

  try {
    await spawnDaemon();
    if (engine === 'dockerd') await seedBusybox(base, env);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return daemon;
}

let networkCounter = 0;

/**
 * Every test daemon gets kernel names and subnets of its own, so daemons of parallel test files
 * (and other people's daemons on the host) never share a bridge, an nft table or an address:
 * a tag 't' + 4 hex digits, the default bridge on 10.<N>.0.1/24 and user networks from
 * 10.<N>.0.0/16, with N in 100–250 (clear of berth's defaults 10.63–10.79 and podman's 10.88–89)
 * and not used by any route of the host. A test that passes its own flag keeps it.
 */
function networkArgs(given: string[]): { args: string[]; tag: string | undefined } {
  const has = (flag: string) => given.some((a) => a === flag || a.startsWith(`${flag}=`));
  const givenTag = given.find((a, i) => given[i - 1] === '--net-tag') ?? given.find((a) => a.startsWith('--net-tag='))?.slice(10);
  const tag = givenTag ?? `t${randomBytes(2).toString('hex')}`;
  const args: string[] = [];
  if (!givenTag) args.push('--net-tag', tag);
  const busy = routedSecondOctets();
  let n = 0;
  for (let i = 0; i < 151; i++) {
    n = 100 + ((process.pid * 7 + networkCounter++ * 13 + i) % 151);
    if (!busy.has(n)) break;
  }
  if (!has('--bip')) args.push('--bip', `10.${n}.0.1/24`);
  if (!has('--default-address-pool')) args.push('--default-address-pool', `base=10.${n}.0.0/16,size=24`);
  return { args, tag };
}

/** Second octets of 10.x routes on the host (/proc/net/route holds destinations as little-endian hex). */
function routedSecondOctets(): Set<number> {
  const out = new Set<number>();
  try {
    for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
      const dst = line.split('\t')[1];
      if (!dst || dst.length !== 8) continue;
      const v = parseInt(dst, 16);
      if ((v & 0xff) === 10) out.add((v >> 8) & 0xff);
    }
  } catch {
    // no procfs: take the chance
  }
  return out;
}

/**
 * A safety net after berthd stopped: deletes what still carries this daemon's tag (its nft
 * table, bridges and veths <tag>0 / <tag>-* / <tag>v*, namespaces <tag>-<id12>) and nothing else.
 * Bridges and the table outlive berthd by design (as docker0 and Docker's chains do); a namespace
 * or veth still here after every container was removed is a bug worth a line in the output.
 */
function sweepNetwork(tag: string): void {
  const quiet = { stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], encoding: 'utf8' as const };
  const ours = (name: string) => name === `${tag}0` || name.startsWith(`${tag}-`) || name.startsWith(`${tag}v`);
  const left: string[] = [];
  try {
    for (const ns of execFileSync('ip', ['netns', 'list'], quiet).split('\n').map((l) => l.split(' ')[0]!)) {
      if (ns && new RegExp(`^${tag}-[0-9a-f]{12}$`).test(ns)) {
        left.push(`netns ${ns}`);
        execFileSync('ip', ['netns', 'delete', ns], quiet);
      }
    }
  } catch {
    // no ip binary or no namespaces
  }
  try {
    const links = JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], quiet)) as { ifname: string }[];
    for (const l of links) {
      if (!ours(l.ifname)) continue;
      if (l.ifname.startsWith(`${tag}v`)) left.push(`link ${l.ifname}`);
      try { execFileSync('ip', ['link', 'delete', l.ifname], quiet); } catch { /* gone with its peer */ }
    }
  } catch {
    // no ip binary
  }
  for (const family of ['inet', 'ip', 'ip6']) {
    try {
      execFileSync('nft', ['list', 'table', family, tag], quiet);
      execFileSync('nft', ['delete', 'table', family, tag], quiet);
    } catch {
      // no such table: the normal case
    }
  }
  if (left.length) process.stderr.write(`[test helper] berthd (net tag ${tag}) left behind: ${left.join(', ')}\n`);
}

/**
 * Docker Engine has no built-in busybox: import one made like berth's, from the
 * host's static busybox with its applet links and a passwd that knows nobody.
 */
async function seedBusybox(base: string, env: Record<string, string>): Promise<void> {
  const rootfs = join(base, 'busybox-rootfs');
  for (const d of ['bin', 'etc', 'tmp']) mkdirSync(join(rootfs, d), { recursive: true });
  const busybox = findBinary('busybox');
  if (!busybox) throw new Error('busybox not found on the host');
  copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
  chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(rootfs, 'bin', a));
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  const tar = execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 << 20 });
  const r = await docker(['import', '-', 'busybox:latest'], { env, input: tar });
  if (r.code !== 0) throw new Error(`importing busybox into ${dockerBin}'s daemon failed: ${r.stderr}`);
}

function tail(s: string, lines = 60): string {
  return s.split('\n').slice(-lines).join('\n');
}

/** Force-removes every container (and its anonymous volumes) through the API, so berthd undoes its own mounts and networks. */
async function removeAllContainers(socket: string): Promise<void> {
  let list: Array<{ Id: string }> = [];
  try {
    const r = await api(socket, { path: '/containers/json?all=1', timeoutMs: 15_000 });
    if (r.status === 200) list = r.json<Array<{ Id: string }>>();
  } catch {
    return; // a wedged daemon: the sweep below still cleans the host
  }
  for (const c of list) {
    try {
      await api(socket, { method: 'DELETE', path: `/containers/${c.Id}?force=1&v=1`, timeoutMs: 30_000 });
    } catch {
      // keep going: one stuck container must not leak all the others
    }
  }
}

/**
 * Last-resort cleanup after berthd is gone: kill what still runs from our temp
 * dir (conmon and runtimes name it in their arguments; container processes have
 * their root inside it), unmount what is mounted under it, delete it.
 */
async function sweep(base: string): Promise<void> {
  const prefix = base + '/';
  for (let round = 0; round < 3; round++) {
    const pids = processesUnder(prefix);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(200);
  }
  // Deepest first so parents are not busy with children still mounted.
  const mounts = mountsUnder(prefix).sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      // already unmounted through a parent's lazy umount
    }
  }
  try {
    await rm(base, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    process.stderr.write(`[test helper] could not remove ${base}: ${(e as Error).message}\n`);
  }
}

function processesUnder(prefix: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      let root = '';
      try {
        root = readlinkSync(`/proc/${pid}/root`);
      } catch {
        // other users' processes or zombies
      }
      if (cmdline.includes(prefix) || root.startsWith(prefix)) found.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Mount points under prefix from /proc/self/mountinfo (field 5, with octal escapes). */
export function mountsUnder(prefix: string): string[] {
  if (!existsSync('/proc/self/mountinfo')) return [];
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    const mp = fields[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp.startsWith(prefix)) out.push(mp);
  }
  return out;
}
