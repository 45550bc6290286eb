import type { ContainerStatsResponse, ContainerUpdateRequest, ContainerUpdateResponse } from '../../../api/stats.js';
import type { Readable } from 'node:stream';
import type { ContainerConfig, FilesystemChange, IdResponse } from '../../../api/container.js';
import type { ContainerCreateRequest, ContainerCreateResponse, ContainerInspectResponse, ContainerPruneResponse, ContainerSummary, ContainerTopResponse, ContainerWaitResponse } from '../../../api/container.js';

/** A log entry the logs route encodes. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  time: string;
  data: Buffer;
}

export interface AttachSinkLike {
  /** A promise asks the session to read no more output until it settles. */
  output(stream: 'stdout' | 'stderr', data: Buffer): Promise<void> | void;
  end(): void;
}

export interface AttachSessionLike {
  /** A promise asks the caller to read no more stdin from its client until it settles. */
  writeStdin(data: Buffer): Promise<void> | void;
  endStdin(): void;
  close(): void;
  /** Closes because the client typed its detach keys (Docker emits a `detach` event). */
  detach?(): void;
}

export interface ContainerListOptions {
  all: boolean;
  limit?: number;
  size: boolean;
  filters: Map<string, string[]>;
}

/** What the container routes need from the engine (and nothing more). */
export interface ContainerBackend {
  containerCreate(req: ContainerCreateRequest, name?: string, platform?: string): Promise<ContainerCreateResponse>;
  containerList(opts: ContainerListOptions): Promise<ContainerSummary[]>;
  /** `apiVersion` is the request's, for the fields that differ between versions. */
  containerInspect(ref: string, opts: { size: boolean; apiVersion: string }): Promise<ContainerInspectResponse>;
  containerStart(ref: string): Promise<void>;
  containerStop(ref: string, opts: { signal?: string; timeout?: number }): Promise<void>;
  containerRestart(ref: string, opts: { signal?: string; timeout?: number }): Promise<void>;
  containerKill(ref: string, signal?: string): Promise<void>;
  containerPause(ref: string): Promise<void>;
  containerUnpause(ref: string): Promise<void>;
  containerDelete(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void>;
  containerRename(ref: string, name: string): Promise<void>;
  containerWait(ref: string, condition: 'not-running' | 'next-exit' | 'removed', signal?: AbortSignal): Promise<ContainerWaitResponse>;
  /** Validates the reference and returns whether the container has a TTY. */
  containerTty(ref: string): boolean;
  /** A live session on the container's streams (the route replays logs itself, with containerLogs). */
  containerAttach(ref: string, sink: AttachSinkLike, opts: { stdin: boolean; stdout: boolean; stderr: boolean }): Promise<AttachSessionLike>;
  containerLogs(ref: string, opts: { follow: boolean; tail?: number; since?: number; until?: number; stdout: boolean; stderr: boolean; signal: AbortSignal }): { tty: boolean; entries: AsyncIterable<LogLine> };
  containerTop(ref: string, psArgs?: string): Promise<ContainerTopResponse>;
  containerResize(ref: string, height: number, width: number): Promise<void>;
  containerPrune(filters: Map<string, string[]>): Promise<ContainerPruneResponse>;
  /** Frames of usage; throws before the first frame for an unknown container. */
  containerStats(ref: string, opts: { stream: boolean; oneShot: boolean; signal?: AbortSignal }): AsyncIterable<ContainerStatsResponse>;
  containerUpdate(ref: string, req: ContainerUpdateRequest): Promise<ContainerUpdateResponse>;
}

/** What the filesystem routes (changes, export, commit) need from the engine. */
export interface ContainerFilesystemBackend {
  /** null when the container changed nothing (Docker's answer). */
  containerChanges(ref: string): Promise<FilesystemChange[] | null>;
  /** A tar stream of the container's whole filesystem. */
  containerExport(ref: string, signal: AbortSignal): Readable;
  imageCommit(opts: {
    container: string; repo?: string; tag?: string; comment?: string; author?: string; pause: boolean; changes: string[];
    config?: ContainerConfig | null; signal: AbortSignal;
  }): Promise<IdResponse>;
}
