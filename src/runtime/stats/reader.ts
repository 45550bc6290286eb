import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { totalmem } from 'node:os';
import path from 'node:path';
import type { CgroupLayout } from './layout.js';
import { parseNetDev, parseProcStat } from './parse.js';
import { sampleV1, sampleV2 } from './sample.js';
import type { StatsReader } from '../types.js';
import type { HostCpuSample, StatsSample, StatsTarget } from './types.js';


/**
 * Small kernel pseudo-files are read synchronously on purpose: they are generated in memory and
 * never wait on a disk, and one synchronous read is one system call where a promise-based one
 * costs several thread-pool round trips, which is what keeps 100 streamed containers cheap.
 */
function readSmall(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}

/** Cached directories of one container's cgroup, valid while its init pid is the same. */
interface CgroupDirs {
  pid: number;
  /** v1: controller -> dir; v2: '' -> dir. */
  dirs: Record<string, string>;
  /**
   * Open descriptors of the files read so far. Opening is most of the cost of a read (several
   * times the read itself, far more under a sandboxing kernel), and a cgroup file read again
   * from offset 0 gives fresh figures, so they stay open until the container goes.
   */
  fds: Map<string, number>;
}

/** Larger than any cgroup file berth reads (memory.stat is under 2 KiB). */
const READ_BUF = Buffer.alloc(64 * 1024);

/** Bounds the directory cache; ids of removed containers are dropped by `forget` or by this. */
const MAX_CACHED = 4096;

/** How long one /proc/stat reading serves every container sampled at about the same time. */
const HOST_CPU_TTL_MS = 100;

/**
 * Reads container resource usage from cgroup v1 or v2, as laid out on this host (detected once
 * at start, see layout.ts). A container's cgroup is found from its init process's
 * /proc/<pid>/cgroup once and cached, so a cgroup parent or a runtime that places cgroups
 * differently needs no knowledge here.
 */
export class CgroupStatsReader implements StatsReader {
  readonly #layout: CgroupLayout | undefined;
  readonly #procRoot: string;
  readonly #dirs = new Map<string, CgroupDirs>();
  #hostCpu?: { at: number; value: HostCpuSample };

  constructor(layout: CgroupLayout | undefined, opts: { procRoot?: string } = {}) {
    this.#layout = layout;
    this.#procRoot = opts.procRoot ?? '/proc';
  }

  /** 1 or 2; undefined when no cgroup hierarchy is mounted. */
  get cgroupVersion(): 1 | 2 | undefined {
    return this.#layout?.version;
  }

  /** Bytes of RAM: Docker reports it as the limit of a container that has none. */
  get hostMemory(): number {
    return totalmem();
  }

  /** v1 needs blkio.weight (absent where only BFQ's files are); v2 needs the io controller's io.weight. */
  get blkioWeightSupported(): boolean {
    const l = this.#layout;
    if (!l) return false;
    if (l.version === 1) return l.controllers.blkio !== undefined && existsSync(path.join(l.controllers.blkio, 'blkio.weight'));
    return (readSmall(path.join(l.root, 'cgroup.subtree_control')) ?? '').split(/\s+/).includes('io');
  }

  /** One reading; undefined when the container's process or cgroup is gone. */
  readStats(target: StatsTarget): StatsSample | undefined {
    const dirs = this.#cgroupDirs(target);
    if (!dirs) return undefined;
    const sample = this.#layout?.version === 2
      ? sampleV2((file) => this.#readCgroupFile(dirs, path.join(dirs.dirs[''] ?? '', file)))
      : sampleV1((controller, file) => {
        const dir = dirs.dirs[controller];
        return dir === undefined ? undefined : this.#readCgroupFile(dirs, path.join(dir, file));
      });
    if (!sample) {
      this.forget(target.id);
      return undefined;
    }
    if (target.networks) {
      const dev = this.#readCgroupFile(dirs, path.join(this.#procRoot, String(target.pid), 'net', 'dev'));
      if (dev !== undefined) {
        const nets = parseNetDev(dev);
        if (Object.keys(nets).length > 0) sample.networks = nets;
      }
    }
    return sample;
  }

  /** The host's CPU time; shared by the containers sampled within the same ~100 ms. */
  readHostCpu(now = Date.now()): HostCpuSample {
    if (this.#hostCpu && now - this.#hostCpu.at < HOST_CPU_TTL_MS) return this.#hostCpu.value;
    const value = parseProcStat(readSmall(path.join(this.#procRoot, 'stat')) ?? '');
    this.#hostCpu = { at: now, value };
    return value;
  }

  /** Drops what is cached for a container (it stopped or was removed) and closes its files. */
  forget(id: string): void {
    const entry = this.#dirs.get(id);
    if (!entry) return;
    this.#dirs.delete(id);
    for (const fd of entry.fds.values()) {
      try { closeSync(fd); } catch { /* already gone */ }
    }
  }

  /** A cgroup (or the init's /proc) file's text through a kept-open descriptor; undefined when it is absent or its cgroup is gone. */
  #readCgroupFile(entry: CgroupDirs, file: string): string | undefined {
    let fd = entry.fds.get(file);
    try {
      if (fd === undefined) {
        fd = openSync(file, 'r');
        entry.fds.set(file, fd);
      }
      const n = readSync(fd, READ_BUF, 0, READ_BUF.length, 0);
      return READ_BUF.toString('latin1', 0, n);
    } catch {
      return undefined;
    }
  }

  #cgroupDirs(target: StatsTarget): CgroupDirs | undefined {
    const layout = this.#layout;
    if (!layout || target.pid <= 0) return undefined;
    const cached = this.#dirs.get(target.id);
    if (cached && cached.pid === target.pid) return cached;
    if (cached) this.forget(target.id);
    const text = readSmall(path.join(this.#procRoot, String(target.pid), 'cgroup'));
    if (text === undefined) return undefined;
    const dirs = cgroupDirsOf(layout, text);
    if (!dirs) return undefined;
    if (this.#dirs.size >= MAX_CACHED) for (const id of [...this.#dirs.keys()]) this.forget(id);
    const entry: CgroupDirs = { pid: target.pid, dirs, fds: new Map() };
    this.#dirs.set(target.id, entry);
    return entry;
  }
}

/** The cgroup directories of a process, from its /proc/<pid>/cgroup text. */
export function cgroupDirsOf(layout: CgroupLayout, procCgroup: string): Record<string, string> | undefined {
  const dirs: Record<string, string> = {};
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, hierarchy, controllers, cgPath] = m;
    if (layout.version === 2) {
      if (hierarchy === '0' && controllers === '') dirs[''] = path.join(layout.root, cgPath!);
      continue;
    }
    for (const c of controllers!.split(',')) {
      const mount = layout.controllers[c];
      if (mount) dirs[c] = path.join(mount, cgPath!);
    }
  }
  return Object.keys(dirs).length > 0 ? dirs : undefined;
}
