// Distribution 2.8 (Debian's docker-registry) on loopback with its own root, as a registry peer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './assert.js';

export const distributionBin = '/usr/bin/docker-registry';

export interface Distribution {
  /** "127.0.0.1:PORT" */
  addr: string;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on (bound, then closed). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts Distribution with its storage and config under `dir` (the caller removes `dir`). */
export async function startDistribution(dir: string): Promise<Distribution> {
  const port = await freePort();
  mkdirSync(join(dir, 'root'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'root')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child: ChildProcess = spawn(distributionBin, ['serve', config], { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  try {
    await waitFor('Distribution to answer /v2/', async () => {
      if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
      const r = await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined);
      return r?.status === 200;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { addr: `127.0.0.1:${port}`, stop };
}
