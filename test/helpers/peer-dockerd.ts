// A Docker Engine (Debian's dockerd 20.10) on its own roots, socket and no networking of its own,
// with a tiny busybox image imported, for tests where the real engine is the registry client.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ping } from './api.js';
import { docker, type RunOptions, type RunResult } from './exec.js';
import { tmpParent } from './paths.js';
import { findBinary } from './prereq.js';

export interface PeerDockerd {
  base: string;
  /** unix://<socket>, for `docker -H` in shell pipelines. */
  host: string;
  /** The docker CLI against this engine, with its own DOCKER_CONFIG (logins land there). */
  dk(args: string[], opts?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

export async function startPeerDockerd(prefix: string): Promise<PeerDockerd> {
  const base = await mkdtemp(join(tmpParent, prefix));
  const sock = join(base, 'd.sock');
  const env = { DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(base, 'cfg') };
  const child: ChildProcess = spawn(findBinary('dockerd')!, [
    '-H', `unix://${sock}`, '--data-root', join(base, 'data'), '--exec-root', join(base, 'exec'), '--pidfile', join(base, 'd.pid'),
    '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--log-level', 'warn',
  ], { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); });
    }
    await rm(base, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 30_000;
    while (!(await ping(sock, 1_000))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('dockerd did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const rootfs = join(base, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync(findBinary('busybox')!, join(rootfs, 'bin', 'busybox'));
    const tar = execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 << 20 });
    const r = await docker(['import', '-', 'bb:latest'], { env, input: tar });
    if (r.code !== 0) throw new Error(`docker import: ${r.stderr}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, host: env.DOCKER_HOST, dk: (args, opts = {}) => docker(args, { timeoutMs: 60_000, ...opts, env: { ...env, ...opts.env } }), stop };
}
