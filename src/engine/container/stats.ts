import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerCpuStats, ContainerStatsResponse } from '../../api/stats.js';
import { NotImplementedError } from '../../lib/errors/index.js';
import { rfc3339Nano } from '../../lib/time/rfc3339.js';
import type { StatsReader } from '../../runtime/types.js';
import { toStatsFrame, zeroCpuStats, zeroStats } from '../convert/stats.js';
import type { ContainerContext } from './context.js';
import { hasProcess, ZERO_TIME } from './model.js';

export interface ContainerStatsOptions {
  /** A frame per interval until the client goes or the container is removed. */
  stream: boolean;
  /** With `stream` false: answer at once, without the priming reading that fills precpu_stats. */
  oneShot: boolean;
  signal?: AbortSignal;
  /** @default 1000 (Docker's collection interval) */
  intervalMs?: number;
  /**
   * How long a non-streamed answer waits between its priming reading and the one it returns,
   * so CPU usage has a delta, when no reading of the last few seconds can serve (as Docker's
   * collector keeps its latest one). A shorter window than Docker's 1 s gives the same
   * percentage sooner.
   * @default 500
   */
  primeMs?: number;
}

/** A container's latest reading, so a later non-streamed answer can take its CPU delta from it. */
interface Previous {
  cpu: ContainerCpuStats;
  read: string;
  atMs: number;
}

/** A previous reading this recent (and not too recent to give a delta) saves the priming wait. */
const PREVIOUS_MIN_MS = 100;
const PREVIOUS_MAX_MS = 5000;
const MAX_PREVIOUS = 4096;

/** Per engine (context): the latest reading of each container, bounded. */
const previousByContext = new WeakMap<ContainerContext, Map<string, Previous>>();

/**
 * Resource usage frames of a container (`GET /containers/{id}/stats`). Throws at once for an
 * unknown container, before the caller commits a status line. A container that is not running
 * gets Docker's zeroed frame; a streamed one ends when the container is removed.
 * @throws {NotFoundError} when no container matches `ref`.
 */
export function containerStats(c: ContainerContext, ref: string, opts: ContainerStatsOptions): AsyncIterable<ContainerStatsResponse> {
  const reader = c.deps.stats;
  if (!reader) throw new NotImplementedError('container stats are not available on this daemon');
  const id = c.deps.store.get(ref).id;
  return frames(c, reader, id, opts);
}

async function* frames(c: ContainerContext, reader: StatsReader, id: string, opts: ContainerStatsOptions): AsyncGenerator<ContainerStatsResponse> {
  let previous = previousByContext.get(c);
  if (!previous) previousByContext.set(c, previous = new Map());
  const recent = previous.get(id);
  const ageMs = recent ? Date.now() - recent.atMs : Infinity;
  const usable = !opts.stream && !opts.oneShot && ageMs >= PREVIOUS_MIN_MS && ageMs <= PREVIOUS_MAX_MS;
  let precpu: ContainerCpuStats = usable ? recent!.cpu : zeroCpuStats();
  let preread = usable ? recent!.read : ZERO_TIME;
  const next = (): ContainerStatsResponse | undefined => {
    if (!c.deps.store.has(id)) {
      previous.delete(id);
      return undefined;
    }
    const rec = c.deps.store.get(id);
    const sample = hasProcess(rec.state)
      ? reader.readStats({ id, pid: rec.state.pid, networks: rec.hostConfig.NetworkMode !== 'host' })
      : undefined;
    if (!sample) {
      previous.delete(id);
      precpu = zeroCpuStats();
      preread = ZERO_TIME;
      return zeroStats(rec.name, id);
    }
    const atMs = Date.now();
    const read = rfc3339Nano(atMs);
    const frame = toStatsFrame({ name: rec.name, id, sample, host: reader.readHostCpu(), read, preread, precpu, hostMemory: reader.hostMemory });
    precpu = frame.cpu_stats;
    preread = read;
    if (previous.size >= MAX_PREVIOUS && !previous.has(id)) previous.clear();
    previous.set(id, { cpu: frame.cpu_stats, read, atMs });
    return frame;
  };
  const wait = (ms: number): Promise<boolean> => sleep(ms, undefined, { signal: opts.signal }).then(() => true, () => false);

  if (!opts.stream) {
    let frame = next();
    // Without a recent reading to take the CPU delta from, take one now and wait a moment.
    if (frame && !opts.oneShot && !usable && frame.read !== ZERO_TIME) {
      if (!(await wait(opts.primeMs ?? 500))) return;
      frame = next() ?? frame;
    }
    if (frame) yield frame;
    return;
  }
  while (!opts.signal?.aborted) {
    const frame = next();
    if (!frame) return;
    yield frame;
    if (!(await wait(opts.intervalMs ?? 1000))) return;
  }
}
