import type { ContainerCreateRequest } from '../../api/container.js';
import type { LogEntry } from '../../runtime/types.js';
import { messageOf } from '../../lib/errors/index.js';
import type { AttachOptions, AttachSession, AttachSink } from './attach.js';
import { containerAttach } from './attach-op.js';
import { containerArchiveGet, containerArchivePut, containerArchiveStat, type ArchivePutOptions } from './archive.js';
import type { Readable } from 'node:stream';
import type { ContainerPathStat } from '../../api/archive.js';
import { createContainerContext, type ContainerContext, type ContainerDeps } from './context.js';
import { containerCreate } from './create.js';
import { handleExit } from './exits.js';
import { LogRotation } from './log-rotation.js';
import { containerLogs, type ContainerLogsOptions } from './logs.js';
import type { ContainerRecord } from './model.js';
import type { HealthState } from './health/monitor.js';
import { containerPause, containerUnpause } from './pause.js';
import { imageUsers } from './image-users.js';
import { containerPrune, containerSizeRw } from './prune.js';
import { containerRemove, type ContainerRemoveOptions } from './remove.js';
import { containerRename } from './rename.js';
import { restoreContainers } from './restore.js';
import { volumeRefsOf } from './volume-mounts.js';
import { containerStart } from './start.js';
import { containerKill, containerRestart, containerStop, type ContainerStopOptions } from './stop.js';
import type { ContainerStore } from './store.js';
import { containerResize, containerTop } from './top.js';
import { containerWait } from './wait.js';
import { containerStats, type ContainerStatsOptions } from './stats.js';
import { containerUpdate } from './update.js';
import type { ContainerStatsResponse, ContainerUpdateRequest, ContainerUpdateResponse } from '../../api/stats.js';
import { containerExecCreate, execInspect, execResize, execStart, type ExecRun } from './exec/ops.js';
import { runProbe, type ProbeResult, type ProbeRunner } from './exec/probe.js';
import type { ExecConfig, ExecInspectResponse } from '../../api/container.js';
import { containerChanges, containerExport } from './rootfs-changes.js';
import { containerCommit, type ContainerCommitOptions } from './commit.js';
import type { FilesystemChange } from '../../snapshot/types.js';
import type { WaitCondition, WaitResult } from './waiters.js';
import type { ContainerNetworking } from '../network/types.js';
import type { EndpointConfig, NetworkRecord } from '../../network/index.js';
import { containersUsing, networkConnect, networkDisconnect } from './network-connect.js';

/**
 * The container life cycle as one object for the API layer: each operation lives in a file of
 * its own over a shared ContainerContext; this only binds them together and feeds the
 * runtime's exits in.
 */
export class ContainerService implements ProbeRunner, ContainerNetworking {
  readonly #c: ContainerContext;
  readonly #rotation: LogRotation;

  constructor(deps: ContainerDeps) {
    this.#c = createContainerContext(deps);
    this.#rotation = new LogRotation(this.#c);
    deps.runtime.onExit((id, exit) => {
      void handleExit(this.#c, id, exit).catch((err) => deps.log(`handling exit of ${id}: ${messageOf(err)}`));
    });
  }

  get store(): ContainerStore {
    return this.#c.deps.store;
  }

  /** Loads containers and reconciles them; resolves before the background cleanup is done (see restore.ts). */
  restore(): Promise<{ cleanup: Promise<void> }> {
    return restoreContainers(this.#c);
  }

  create(req: ContainerCreateRequest, name?: string): Promise<{ Id: string; Warnings: string[] }> {
    return containerCreate(this.#c, req, name);
  }
  start(ref: string): Promise<void> {
    return containerStart(this.#c, ref);
  }
  stop(ref: string, opts?: ContainerStopOptions): Promise<void> {
    return containerStop(this.#c, ref, opts);
  }
  kill(ref: string, signal?: string): Promise<void> {
    return containerKill(this.#c, ref, signal);
  }
  restart(ref: string, opts?: ContainerStopOptions): Promise<void> {
    return containerRestart(this.#c, ref, opts);
  }
  pause(ref: string): Promise<void> {
    return containerPause(this.#c, ref);
  }
  unpause(ref: string): Promise<void> {
    return containerUnpause(this.#c, ref);
  }
  /** Each volume each container uses (restore re-adds them itself; for callers that load volumes later). */
  volumeRefs(): Array<{ name: string; containerId: string }> {
    return volumeRefsOf(this.#c.deps.store.list());
  }
  remove(ref: string, opts?: ContainerRemoveOptions): Promise<void> {
    return containerRemove(this.#c, ref, opts);
  }
  rename(ref: string, newName: string): Promise<void> {
    return containerRename(this.#c, ref, newName);
  }
  wait(ref: string, condition?: WaitCondition, signal?: AbortSignal): Promise<WaitResult> {
    return containerWait(this.#c, ref, condition, signal);
  }
  attach(ref: string, sink: AttachSink, opts: AttachOptions): Promise<AttachSession> {
    return containerAttach(this.#c, ref, sink, opts);
  }
  logs(ref: string, opts: ContainerLogsOptions): { tty: boolean; entries: AsyncIterable<LogEntry> } {
    return containerLogs(this.#c, ref, opts);
  }
  top(ref: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    return containerTop(this.#c, ref, psArgs);
  }
  resize(ref: string, height: number, width: number): Promise<void> {
    return containerResize(this.#c, ref, height, width);
  }
  archiveStat(ref: string, path: string): Promise<ContainerPathStat> {
    return containerArchiveStat(this.#c, ref, path);
  }
  archiveGet(ref: string, path: string): Promise<{ stat: ContainerPathStat; archive: Readable }> {
    return containerArchiveGet(this.#c, ref, path);
  }
  archivePut(ref: string, path: string, body: Readable, opts: ArchivePutOptions): Promise<void> {
    return containerArchivePut(this.#c, ref, path, body, opts);
  }
  imageUsers(imageId: string, runningOnly = false): string[] {
    return imageUsers(this.#c, imageId, runningOnly);
  }
  sizeRw(id: string): Promise<number> {
    return containerSizeRw(this.#c, id);
  }
  prune(keep: (rec: ContainerRecord) => boolean): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    return containerPrune(this.#c, keep);
  }
  stats(ref: string, opts: ContainerStatsOptions): AsyncIterable<ContainerStatsResponse> {
    return containerStats(this.#c, ref, opts);
  }
  update(ref: string, req: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
    return containerUpdate(this.#c, ref, req);
  }
  /** The container's health, when it has a health check. */
  health(id: string): HealthState | undefined {
    return this.#c.deps.health?.health(id);
  }
  execCreate(ref: string, req: ExecConfig): { Id: string } {
    return containerExecCreate(this.#c, ref, req);
  }
  execStart(id: string, opts: { consoleSize?: { height: number; width: number }; detach?: boolean }): () => Promise<ExecRun> {
    return execStart(this.#c, id, opts);
  }
  execResize(id: string, height: number, width: number): Promise<void> {
    return execResize(this.#c, id, height, width);
  }
  execInspect(id: string): ExecInspectResponse {
    return execInspect(this.#c, id);
  }
  runProbe(ref: string, argv: string[], opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ProbeResult> {
    return runProbe(this.#c, ref, argv, opts);
  }
  changes(ref: string): Promise<FilesystemChange[]> {
    return containerChanges(this.#c, ref);
  }
  export(ref: string, signal?: AbortSignal): Readable {
    return containerExport(this.#c, ref, signal);
  }
  commit(ref: string, opts?: ContainerCommitOptions): Promise<{ Id: string }> {
    return containerCommit(this.#c, ref, opts);
  }
  networkConnect(ref: string, network: NetworkRecord, cfg: EndpointConfig): Promise<{ containerId: string; containerName: string }> {
    return networkConnect(this.#c, ref, network, cfg);
  }
  networkDisconnect(ref: string, network: NetworkRecord, force: boolean): Promise<{ containerId: string; containerName: string }> {
    return networkDisconnect(this.#c, ref, network, force);
  }
  containersUsing(networkId: string, networkName: string): string[] {
    return containersUsing(this.#c, networkId, networkName);
  }
  /** Log rotation by max-size: called periodically. */
  rotateLogs(): Promise<void> {
    return this.#rotation.rotate();
  }
}
