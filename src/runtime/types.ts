import type { EventEmitter } from 'node:events';
import type { HostCpuSample, StatsSample, StatsTarget } from './stats/types.js';

export type { BlkioEntry, CpuSample, HostCpuSample, MemorySample, NetDevCounters, StatsSample, StatsTarget } from './stats/types.js';
import type { Readable, Writable } from 'node:stream';

/** What the engine knows about a container that the OCI spec needs. Domain names, camelCase. */
export interface SpecInput {
  id: string;
  /** Absolute path of the mounted rootfs. */
  rootfs: string;
  /** Full argv (entrypoint + cmd already combined). */
  args: string[];
  env: string[];
  /** Working directory inside the container; "/" when empty. */
  cwd: string;
  /** The -u value: "", "name", "uid", "name:group", "uid:gid"; resolved from the rootfs' /etc/passwd and /etc/group. */
  user: string;
  groupAdd?: string[];
  hostname: string;
  domainname?: string;
  tty: boolean;
  openStdin: boolean;
  readonlyRootfs?: boolean;
  privileged?: boolean;
  /**
   * "default" applies berth's filter (see spec/seccomp.ts), "unconfined" none, `{ profile }` a
   * profile in Docker's JSON format (checked at create). Privileged containers get none.
   */
  seccomp?: 'default' | 'unconfined' | { profile: string };
  /** `--security-opt no-new-privileges`: setuid binaries cannot raise privileges. */
  noNewPrivileges?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** "none" | "host" | "private" (a namespace of its own: `netnsPath` when given, else a new one with loopback only) */
  networkMode: 'none' | 'host' | 'private';
  /** A network namespace made for the container (its sandbox) that the runtime joins instead of making one. */
  netnsPath?: string;
  /** Bytes; 0 = unlimited. */
  memory?: number;
  memorySwap?: number;
  /** CPUs * 1e9; 0 = unlimited. */
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  /** Memory nodes, e.g. "0" or "0-1". */
  cpusetMems?: string;
  /** Real-time scheduler budget in microseconds (cgroup v1 cpu.rt_*); 0 = unset. */
  cpuRealtimePeriod?: number;
  cpuRealtimeRuntime?: number;
  /** 0 or negative = unlimited. */
  pidsLimit?: number;
  shmSize?: number;
  ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  /**
   * Binds (volumes included) and tmpfs. A bind's `rro` option asks for read-only submounts too; the
   * driver makes it `ro` where the kernel or the runtime cannot do that, unless
   * `forceRecursiveReadOnly`, which fails the spec instead.
   */
  mounts?: Array<{ destination: string; source: string; type: 'bind' | 'tmpfs'; options: string[]; forceRecursiveReadOnly?: boolean }>;
  /** The runtime the container runs with ("" or absent: the default one), for what it supports. */
  runtime?: string;
  /** Files berth writes for the container, bind-mounted: /etc/hosts, /etc/hostname, /etc/resolv.conf */
  etcFiles?: { hosts?: string; hostname?: string; resolvConf?: string };
  /** cgroup path the runtime creates, e.g. "/berth/<id>". */
  cgroupsPath: string;
  sysctls?: Record<string, string>;
  annotations?: Record<string, string>;
  /** `--device-cgroup-rule` values, e.g. "c 1:3 rwm". */
  deviceCgroupRules?: string[];
  /** Initial terminal size (HostConfig.ConsoleSize), so the first output is not laid out for 0x0. */
  consoleSize?: { height: number; width: number };
  /** `--init`: the host's init binary, bind-mounted read-only at /sbin/docker-init and run as PID 1. */
  initPath?: string;
  /** `--ipc`, `--pid`, `--uts`, `--cgroupns`: a namespace of the host, or one joined by path; fresh when absent. */
  namespaceModes?: Partial<Record<'ipc' | 'pid' | 'uts' | 'cgroup', NamespaceMode>>;
  /** `--device`: host device nodes made in the container and allowed in its device cgroup. */
  devices?: DeviceMapping[];
  /** `--oom-score-adj`. */
  oomScoreAdj?: number;
  /** `--oom-kill-disable`. */
  oomKillDisable?: boolean;
}

/** A namespace shared with the host, fresh ("private"), or joined through a /proc/<pid>/ns path. */
export type NamespaceMode = 'host' | 'private' | { path: string };

/** One `--device` host:container:permissions, with the host node's numbers already read. */
export interface DeviceMapping {
  /** Path inside the container. */
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
  /** Cgroup access, some of "rwm". */
  permissions: string;
}

/** One chunk of container output from an attach socket. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** A live connection to a running container's stdio, through its monitor. */
export interface AttachConnection extends EventEmitter {
  // events: 'data' (OutputChunk), 'close' (), 'drain' () after writeStdin returned false
  /** Stops delivering output (the monitor then waits on this connection) until `resume`. */
  pause(): void;
  resume(): void;
  /** Queues stdin; false when the queue is full: wait for 'drain' before writing more. */
  writeStdin(data: Buffer): boolean;
  /** Closes the container's stdin (EOF) — StdinOnce semantics. */
  closeStdin(): void;
  close(): void;
}

export interface CreateOptions {
  /** Directory holding config.json; must outlive berthd. */
  bundleDir: string;
  /** Runtime name: "runc" | "crun" (a key of the configured runtimes). */
  runtime: string;
  tty: boolean;
  openStdin: boolean;
  logPath: string;
  /** Hard cap passed to the monitor (bytes); -1 for none. Rotation is done by `rotateLog`. */
  logSizeMax?: number;
  /** `--log-driver none`: the monitor keeps no log (attach still works). */
  noLog?: boolean;
  /** Keep the container's stdin open when an attached client goes away (OpenStdin without StdinOnce). */
  leaveStdinOpen?: boolean;
}

export interface ExitRecord {
  exitCode: number;
  /** RFC3339 with nanoseconds where known. */
  finishedAt: string;
  oomKilled?: boolean;
  /** The monitor died without recording the exit; the code is berth's (137 killed, 255 unknown). */
  monitorLost?: boolean;
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** RFC3339Nano */
  time: string;
  /**
   * A line, or a piece of a long one (at most 16 KiB): the piece that completes a line ends
   * with "\n", the others do not. Readers pass pieces on as they are, never joining them.
   */
  data: Buffer;
}

export interface LogReadOptions {
  follow?: boolean;
  /** Number of last lines; undefined/negative = all. */
  tail?: number;
  /** Seconds since epoch (may be fractional); entries strictly before are skipped. */
  since?: number;
  /** Seconds since epoch; entries after are skipped (and following stops there). */
  until?: number;
  stdout?: boolean;
  stderr?: boolean;
  signal?: AbortSignal;
  /** For follow: resolves when the container has stopped, to end the stream after draining. */
  stopped?: Promise<void>;
}

export interface RuntimeInfo {
  name: string;
  path: string;
  ok: boolean;
  /** Why it does not work, from the probe. */
  reason?: string;
  /** First line of `<runtime> --version` (for `info`: several CVE fixes depend on it). */
  version?: string;
  /** Known problems of this version (e.g. unfixed CVEs), for `info` warnings. */
  warnings?: string[];
}

/**
 * The OCI life cycle of a container, through its monitor. All methods throw NotFoundError when
 * the runtime does not know the container, and errors carrying the runtime's own message as
 * `cause` otherwise.
 */
export interface RuntimeLifecycle {
  /** Writes config.json to the bundle. */
  writeSpec(bundleDir: string, input: SpecInput): Promise<void>;
  /** Spawns the monitor, which runs `<runtime> create`; resolves with the container's pid. */
  create(id: string, opts: CreateOptions): Promise<{ pid: number }>;
  start(id: string): Promise<void>;
  kill(id: string, signal: string | number): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Whether the runtime still holds state for the container (cheap: no runtime process). */
  hasState(id: string): Promise<boolean>;
  /** Removes the runtime's state (force kills if needed) and the recorded exit. Idempotent. */
  delete(id: string): Promise<void>;
}

/** The stdio of a created or running container. */
export interface RuntimeIO {
  /** Connects to the monitor's attach socket (after create, before start, to miss nothing). */
  attach(id: string): Promise<AttachConnection>;
  resize(id: string, height: number, width: number): Promise<void>;
}

/** Where exits come from: the monitors' records, and the monitors themselves. */
export interface ExitFeed {
  /** Calls `listener` once per container exit. */
  onExit(listener: (id: string, exit: ExitRecord) => void): void;
  /** The exit recorded by the monitor, if the container has exited. */
  readExit(id: string): Promise<ExitRecord | undefined>;
  /** Whether the container was created but its command never started (a start cut short). */
  isStartPending(id: string): Promise<boolean>;
  /** Whether the monitor process of the container is still alive. */
  isMonitorAlive(id: string): Promise<boolean>;
  /**
   * Watches the monitor of a running container. A monitor that dies without recording an exit
   * (killed, crashed) is reported through `onExit` with `monitorLost`: the container is killed if
   * its process outlived the monitor (exit 137), else it is gone without a code (exit 255).
   * Watching ends with the exit, or with `delete`. `checkNow` looks at once (restore: the monitor
   * may have died while berthd was down); otherwise from the next periodic check.
   */
  watchMonitor(id: string, opts?: { checkNow?: boolean }): void;
}

/** Processes inside a running container. */
export interface ProcessLister {
  /** Processes in the container, like `ps` (`psArgs` default "-ef"). */
  top(id: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }>;
}

/** What to run in a running container (`docker exec`). Unset fields fall back to the container's. */
export interface ExecSpec {
  args: string[];
  /** KEY=VALUE entries laid over the container's environment. */
  env: string[];
  /** The -u value, resolved against the container's /etc/passwd and /etc/group; "" = root. */
  user: string;
  /** "" = the container's working directory. */
  cwd: string;
  tty: boolean;
  /** Every capability the host can grant, instead of the container's set. */
  privileged: boolean;
  /** Whether the process gets a stdin (otherwise it reads /dev/null). */
  stdin: boolean;
  consoleSize?: { height: number; width: number };
}

/** How an exec ended: the process's own code, or the runtime's refusal to start it. */
export interface ExecExit {
  exitCode: number;
  /** Set when the process never ran: the runtime's message (e.g. executable file not found). */
  startError?: string;
}

/** A process started with {@link RuntimeExec.exec}. */
export interface ExecProcess {
  /** Output; with a TTY everything comes on stdout and stderr is undefined. Pausing it stalls the process. */
  readonly stdout: Readable;
  readonly stderr?: Readable;
  /** Present when the spec asked for stdin; end() gives the process EOF. */
  readonly stdin?: Writable;
  /** The host pid once the process runs; undefined if it never did. */
  readonly pid: Promise<number | undefined>;
  readonly exited: Promise<ExecExit>;
  /** Signals the process (not the runtime helper), e.g. on a probe timeout. */
  kill(signal?: NodeJS.Signals | number): void;
  resize(height: number, width: number): Promise<void>;
}

/** Runs extra processes in a running container, in its namespaces, cgroup and seccomp filter. */
export interface RuntimeExec {
  exec(id: string, spec: ExecSpec): Promise<ExecProcess>;
}

/** Log files the monitor writes. */
export interface LogRotator {
  /** Renames the current log aside, keeps at most `maxFiles` files, and asks the monitor to reopen. */
  rotateLog(id: string, logPath: string, maxFiles: number, maxSize?: number): Promise<void>;
}

/** Start-up and shutdown of the runtime subsystem itself. */
export interface RuntimeHost {
  /** Probes each configured runtime with a real throwaway container; picks the default. */
  probe(): Promise<{ defaultRuntime: string; runtimes: RuntimeInfo[] }>;
  close(): Promise<void>;
}

/**
 * Everything the conmon driver does, as one type for the composition root. Consumers depend on
 * the capability they use (a start step on RuntimeLifecycle, attach on RuntimeIO, ...), so exec
 * and stats can arrive as capabilities of their own.
 */
export type ContainerRuntime = RuntimeLifecycle & RuntimeIO & ExitFeed & ProcessLister & LogRotator & RuntimeHost & ResourceUpdater & RuntimeExec;

/** Reads a container log file (and its rotated siblings) as entries. */
export type LogReader = (logPath: string, opts: LogReadOptions) => AsyncIterable<LogEntry>;

/** Resource usage of running containers, read from their cgroups (see stats/). */
export interface StatsReader {
  /** One reading; undefined when the container's process or cgroup is gone. Cheap: no process spawned. */
  readStats(target: StatsTarget): StatsSample | undefined;
  /** The host's CPU clock, for Docker's CPU percentage. */
  readHostCpu(): HostCpuSample;
  /** Bytes of RAM, reported as the limit of a container that has none (as Docker does). */
  readonly hostMemory: number;
  /** Whether the host lets a container's block-I/O weight be set. */
  readonly blkioWeightSupported: boolean;
  forget(id: string): void;
}

/** Limits that can change while a container runs; undefined fields are left as they are. */
export interface ResourceUpdate {
  /** Bytes. */
  memory?: number;
  /** Memory plus swap, bytes; -1 unlimited. */
  memorySwap?: number;
  memoryReservation?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  /** -1 unlimited. */
  cpuQuota?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** -1 unlimited. */
  pidsLimit?: number;
  blkioWeight?: number;
}

/** Changes the limits of a created, running or paused container in place (`docker update`). */
export interface ResourceUpdater {
  /** @throws {NotFoundError} when the runtime does not know the container; the runtime's refusal otherwise. */
  updateResources(id: string, resources: ResourceUpdate): Promise<void>;
}
