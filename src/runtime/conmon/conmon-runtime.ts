import { access, mkdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  InternalError, InvalidArgumentError, NotFoundError, UnavailableError,
} from '../../lib/errors/index.js';
import { execFile } from '../../sys/exec.js';
import { release } from 'node:os';
import {
  buildSpec, readHostFacts, recursiveReadOnlyGap, wantsRecursiveReadOnly, withRecursiveReadOnly, type SpecHostFacts,
} from '../spec/index.js';
import type {
  AttachConnection, ContainerRuntime, CreateOptions, ExecProcess, ExecSpec, ExitRecord, ResourceUpdate, RuntimeInfo, SpecInput,
} from '../types.js';
import { ConmonAttachConnection } from './attach.js';
import { execInContainer, readExecTarget } from './exec.js';
import { CtlMessage, writeFifo } from './ctl.js';
import { readExitFile } from './exit-file.js';
import { rfc3339Nano } from '../../lib/time/rfc3339.js';
import { ExitWatcher } from './exit-watcher.js';
import { pruneLogFiles, shiftLogFiles, trimRotatedLog } from './log-rotation.js';
import { BundleFiles, RuntimePaths, checkId } from './paths.js';
import { conmonVersion, probeOrder, probeRuntime } from './probe.js';
import { OciRuntimeCli, unwrapRuntimeText } from './runtime-cli.js';
import { parseSignal } from './signals.js';
import { isLiveConmon, isLiveProcess } from './monitor-process.js';
import { MonitorWatch } from './monitor-watch.js';
import { launchConmon } from './spawn-conmon.js';
import { filterPsOutput, type TopResult } from './top.js';
import { updateResources } from './update.js';

/** Minimal logger the driver reports to (pino-compatible subset). */
export interface RuntimeLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Options of {@link ConmonRuntime}. */
export interface ConmonRuntimeOptions {
  /** Directory for runtime state, sockets and exit files (see paths.ts). */
  execRoot: string;
  /** Runtime name -> binary path, e.g. `{ runc: '/usr/bin/runc', crun: '/usr/bin/crun' }`. */
  runtimes: Record<string, string>;
  conmonPath?: string;
  /** Used when a container does not name a runtime; otherwise the probe picks it. */
  defaultRuntime?: string;
  logger?: RuntimeLogger;
  /** Interval of the exit-dir poll that backs up fs.watch (ms). */
  exitPollMs?: number;
  /** How often the monitors of running containers are checked for being alive (ms). */
  monitorPollMs?: number;
}

/**
 * {@link ContainerRuntime} over conmon and an OCI runtime (runc or crun). One conmon per
 * container holds its stdio, writes its log and records its exit, so containers outlive berthd;
 * everything needed to find them again lives on disk (bundle dir and exec root).
 */
export class ConmonRuntime implements ContainerRuntime {
  readonly paths: RuntimePaths;
  private readonly conmonPath: string;
  private defaultRuntime?: string;
  private readonly clis = new Map<string, OciRuntimeCli>();
  private readonly exits: ExitWatcher;
  private readonly monitors: MonitorWatch;
  private hostFacts?: SpecHostFacts;
  /** Per runtime: why it cannot make binds recursively read-only here (undefined: it can); asked once. */
  private readonly rroGaps = new Map<string, Promise<string | undefined>>();
  /** The exec-root directories, made once (a failed attempt is retried on the next create). */
  private dirsReady?: Promise<void>;
  /** Containers between conmon launch and the sync report: their exits wait (see create). */
  private readonly creating = new Set<string>();

  constructor(private readonly opts: ConmonRuntimeOptions) {
    this.paths = new RuntimePaths(opts.execRoot);
    this.conmonPath = opts.conmonPath ?? '/usr/bin/conmon';
    this.defaultRuntime = opts.defaultRuntime;
    for (const [name, binary] of Object.entries(opts.runtimes)) {
      this.clis.set(name, new OciRuntimeCli(name, binary, this.paths.runtimeRoot(name)));
    }
    this.exits = new ExitWatcher(
      this.paths.exitDir,
      (id, exit) => this.withOom(id, exit),
      opts.exitPollMs ?? 2000,
      (err) => opts.logger?.warn({ err }, 'exit watcher'),
      (id) => this.creating.has(id),
    );
    this.monitors = new MonitorWatch({
      intervalMs: opts.monitorPollMs ?? 2000,
      monitorPid: (id) => this.pidFromBundle(id, BundleFiles.conmonPid),
      onLost: (id, superseded) => this.monitorLost(id, superseded),
      onError: (err) => opts.logger?.warn({ err }, 'monitor watch'),
    });
  }

  /** The runtime used when none is named: configured, else the probe's pick. */
  get defaultRuntimeName(): string | undefined { return this.defaultRuntime; }

  /**
   * Probes conmon and every runtime. Beyond the contract, reports the monitor's path and version
   * (for `info`); when conmon itself cannot run, every runtime is reported unusable with that reason.
   */
  async probe(): Promise<{ defaultRuntime: string; runtimes: RuntimeInfo[]; monitor: { path: string; version?: string } }> {
    await mkdir(this.paths.probeDir, { recursive: true, mode: 0o700 });
    const monitorVersion = await conmonVersion(this.conmonPath);
    const runtimes: RuntimeInfo[] = [];
    for (const name of probeOrder([...this.clis.keys()])) {
      const cli = this.clis.get(name)!;
      const info = monitorVersion === undefined
        ? { name, path: cli.binary, ok: false, reason: `conmon (${this.conmonPath}) cannot run` }
        : await probeRuntime(cli, this.paths.probeDir);
      this.opts.logger?.debug({ runtime: info }, 'runtime probe');
      runtimes.push(info);
    }
    const chosen = this.opts.defaultRuntime ?? runtimes.find((r) => r.ok)?.name;
    if (!chosen) {
      throw new UnavailableError(`no working OCI runtime: ${runtimes.map((r) => `${r.name}: ${r.reason}`).join('; ')}`);
    }
    this.defaultRuntime = chosen;
    return { defaultRuntime: chosen, runtimes, monitor: { path: this.conmonPath, version: monitorVersion } };
  }

  async writeSpec(bundleDir: string, input: SpecInput): Promise<void> {
    // The host's capabilities, rlimits and kernel do not change while berthd runs: read once.
    this.hostFacts ??= readHostFacts();
    const mounts = wantsRecursiveReadOnly(input.mounts) ? withRecursiveReadOnly(input.mounts, await this.recursiveReadOnlyGap(input.runtime)) : input.mounts;
    const spec = buildSpec({ ...input, mounts }, this.hostFacts);
    await mkdir(bundleDir, { recursive: true, mode: 0o700 });
    // Temp file then rename, so the runtime never reads a half-written config. No fsync: the
    // spec is rebuilt from the container record at every start, so a crash loses nothing.
    const tmp = path.join(bundleDir, `.${BundleFiles.config}.tmp`);
    await writeFile(tmp, JSON.stringify(spec), { mode: 0o600 });
    await rename(tmp, path.join(bundleDir, BundleFiles.config));
  }

  private recursiveReadOnlyGap(runtime: string | undefined): Promise<string | undefined> {
    const name = runtime || this.defaultRuntime;
    const cli = name ? this.clis.get(name) : undefined;
    // An unknown runtime fails at create, with its own message.
    if (!name || !cli) return Promise.resolve(undefined);
    let gap = this.rroGaps.get(name);
    if (!gap) {
      const kernelRelease = this.hostFacts?.kernelRelease ?? release();
      gap = cli.mountOptions().then((mountOptions) => recursiveReadOnlyGap({ kernelRelease, runtime: name, mountOptions }));
      this.rroGaps.set(name, gap);
    }
    return gap;
  }

  async create(id: string, opts: CreateOptions): Promise<{ pid: number }> {
    checkId(id);
    const runtimeName = opts.runtime || this.defaultRuntime;
    const cli = runtimeName ? this.clis.get(runtimeName) : undefined;
    if (!runtimeName || !cli) throw new InvalidArgumentError(`unknown or invalid runtime name: ${runtimeName ?? ''}`);
    this.dirsReady ??= Promise.all([
      ...[...this.clis.keys()].map((name) => mkdir(this.paths.runtimeRoot(name), { recursive: true, mode: 0o700 })),
      mkdir(this.paths.exitDir, { recursive: true, mode: 0o700 }),
      mkdir(this.paths.socketDir, { recursive: true, mode: 0o700 }),
      mkdir(this.paths.bundleLinkDir, { recursive: true, mode: 0o700 }),
    ]).then(() => {});
    await this.dirsReady.catch((err) => {
      this.dirsReady = undefined;
      throw err;
    });
    await Promise.all([
      mkdir(path.dirname(opts.logPath), { recursive: true }),
      this.clearExit(id),
      // A restarted container reuses its bundle: the previous run's OOM mark must not stick.
      rm(path.join(opts.bundleDir, BundleFiles.oom), { force: true }),
      writeFile(path.join(opts.bundleDir, BundleFiles.runtimeName), runtimeName),
      rm(this.paths.bundleLink(id), { force: true }).then(() => symlink(opts.bundleDir, this.paths.bundleLink(id))),
    ]);

    let failure: string;
    this.creating.add(id);
    try {
      try {
        const r = await launchConmon({
          conmonPath: this.conmonPath, id, bundleDir: opts.bundleDir, runtimeName, runtimeBinary: cli.binary,
          paths: this.paths, logPath: opts.logPath, logSizeMax: opts.logSizeMax, noLog: opts.noLog, tty: opts.tty,
          openStdin: opts.openStdin, leaveStdinOpen: opts.leaveStdinOpen === true,
        });
        if (r.sync && r.sync.data > 0) return { pid: r.sync.data };
        failure = unwrapRuntimeText(r.sync?.message || r.output) || `conmon exited with status ${r.exitCode} without reporting`;
      } catch (err) {
        failure = (err as Error).message;
      }
      await this.cleanupFailedCreate(id, cli);
    } finally {
      this.creating.delete(id);
    }
    throw new InternalError(failure, { cause: new Error(failure) });
  }

  /** Undoes a failed create: the runtime's state, conmon's leftovers, our link. */
  private async cleanupFailedCreate(id: string, cli: OciRuntimeCli): Promise<void> {
    await cli.delete(id).catch((err) => this.opts.logger?.warn({ err, id }, 'cleanup after failed create'));
    await rm(this.paths.bundleLink(id), { force: true });
    await rm(this.paths.socketLink(id), { force: true });
    await this.clearExit(id);
  }

  /** Forgets the recorded exit of `id` (call before re-creating a container with the same id). */
  async clearExit(id: string): Promise<void> {
    this.exits.forget(id);
    await rm(this.paths.exitFile(id), { force: true });
  }

  async attach(id: string): Promise<AttachConnection> {
    await this.bundleOf(id);
    return ConmonAttachConnection.connect(this.paths.attachSocket(id));
  }

  async exec(id: string, spec: ExecSpec): Promise<ExecProcess> {
    const target = await readExecTarget(id, await this.bundleOf(id));
    return execInContainer({ conmonPath: this.conmonPath, cli: await this.cliOf(id), paths: this.paths, target, hostCaps: (this.hostFacts ??= readHostFacts()).capabilities }, spec);
  }

  async start(id: string): Promise<void> { await (await this.cliOf(id)).start(id); }
  async pause(id: string): Promise<void> { await (await this.cliOf(id)).pause(id); }
  async resume(id: string): Promise<void> { await (await this.cliOf(id)).resume(id); }

  async kill(id: string, signal: string | number): Promise<void> {
    const n = parseSignal(signal);
    await (await this.cliOf(id)).kill(id, n);
  }

  async delete(id: string): Promise<void> {
    checkId(id);
    this.monitors.unwatch(id);
    // Without a state dir no runtime knows the container: skip spawning one (teardown calls this
    // for every container that stops, and restore for every one that is not running).
    if (await this.hasState(id)) {
      let cli: OciRuntimeCli | undefined;
      try { cli = await this.cliOf(id); } catch (err) { if (!(err instanceof NotFoundError)) throw err; }
      if (cli) await cli.delete(id);
      else for (const c of this.clis.values()) await c.delete(id).catch(() => {});
    }
    await rm(this.paths.bundleLink(id), { force: true });
    await rm(this.paths.socketLink(id), { force: true });
    // The exit has been read by now (the engine deletes state only after handling it).
    await this.clearExit(id);
  }

  /** Whether any runtime still holds state for `id` (its state dir under the runtime root). */
  async hasState(id: string): Promise<boolean> {
    checkId(id);
    for (const name of this.clis.keys()) {
      if (await access(path.join(this.paths.runtimeRoot(name), id)).then(() => true, () => false)) return true;
    }
    return false;
  }

  async resize(id: string, height: number, width: number): Promise<void> {
    if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0 || height > 65535 || width > 65535) {
      throw new InvalidArgumentError(`invalid terminal size: ${height}x${width}`);
    }
    const bundle = await this.bundleOf(id);
    try {
      await writeFifo(path.join(bundle, BundleFiles.ctl), CtlMessage.resize(height, width));
    } catch (err) {
      throw new UnavailableError(`cannot resize container ${id}: monitor is not running`, { cause: err });
    }
  }

  async top(id: string, psArgs = '-ef'): Promise<TopResult> {
    const pids = new Set(await (await this.cliOf(id)).pids(id));
    const args = psArgs.trim().split(/\s+/).filter(Boolean);
    const r = await execFile('ps', args);
    if (r.code !== 0) throw new InvalidArgumentError(`ps: ${(r.stderr || r.stdout).trim()}`);
    try {
      return filterPsOutput(r.stdout, pids);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  }

  async updateResources(id: string, resources: ResourceUpdate): Promise<void> {
    await updateResources(await this.cliOf(id), id, resources);
  }

  async readExit(id: string): Promise<ExitRecord | undefined> {
    const exit = await readExitFile(this.paths.exitFile(id));
    if (!exit) return undefined;
    const { key: _key, ...record } = exit;
    return this.withOom(id, record);
  }

  /** conmon leaves an `oom` file in the bundle when the OOM killer hit the container. */
  private async withOom(id: string, exit: ExitRecord): Promise<ExitRecord> {
    const bundle = await this.bundleOf(id).catch(() => undefined);
    if (!bundle) return exit;
    const oom = await access(path.join(bundle, BundleFiles.oom)).then(() => true, () => false);
    return oom ? { ...exit, oomKilled: true } : exit;
  }

  async isMonitorAlive(id: string): Promise<boolean> {
    const pid = await this.pidFromBundle(id, BundleFiles.conmonPid);
    return pid !== undefined && isLiveConmon(pid);
  }

  watchMonitor(id: string, opts: { checkNow?: boolean } = {}): void {
    this.monitors.watch(checkId(id), opts);
  }

  /**
   * A monitor died without recording an exit. A container process that outlived it is killed,
   * since nothing would log its output or record its end (exit 137); one already gone has no
   * known code (255).
   */
  private async monitorLost(id: string, superseded: () => boolean): Promise<void> {
    let exitCode = 255;
    const pid = await this.pidFromBundle(id, BundleFiles.containerPid);
    if (superseded()) return;
    if (pid !== undefined && (await isLiveProcess(pid)) && !superseded()) {
      const cli = await this.cliOf(id).catch(() => undefined);
      await cli?.kill(id, 9).catch((err) => this.opts.logger?.warn({ err, id }, 'killing a container whose monitor died'));
      exitCode = 137;
    }
    if (superseded()) return;
    this.opts.logger?.warn({ id, exitCode }, 'container monitor died without recording an exit');
    await this.exits.report(id, { exitCode, finishedAt: rfc3339Nano(Date.now()), monitorLost: true });
  }

  /** A pid conmon or the runtime wrote into the bundle, if it is there and sane. */
  private async pidFromBundle(id: string, file: string): Promise<number | undefined> {
    const bundle = await this.bundleOf(id).catch(() => undefined);
    if (!bundle) return undefined;
    const pid = Number((await readFile(path.join(bundle, file), 'utf8').catch(() => '')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /**
   * Whether the container was created but never started: its process is still the runtime's
   * `init`, waiting to exec the user's command (read from /proc, no runtime process spawned).
   */
  async isStartPending(id: string): Promise<boolean> {
    const pid = await this.pidFromBundle(id, BundleFiles.containerPid);
    if (pid === undefined) return false;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    return argv[1] === 'init' && /(^|\/)(runc|crun)$/.test(argv[0] ?? '');
  }

  onExit(listener: (id: string, exit: ExitRecord) => void): void {
    this.exits.add((id, exit) => {
      this.monitors.unwatch(id);
      listener(id, exit);
    });
  }

  async rotateLog(id: string, logPath: string, maxFiles: number, maxSize?: number): Promise<void> {
    const bundle = await this.bundleOf(id);
    await shiftLogFiles(logPath, maxFiles);
    try {
      await writeFifo(path.join(bundle, BundleFiles.ctl), CtlMessage.reopenLog());
    } catch (err) {
      // The monitor is gone (container exited): nobody writes the log any more.
      this.opts.logger?.debug({ err, id }, 'log reopen skipped');
    }
    await pruneLogFiles(logPath, maxFiles);
    if (maxSize !== undefined) await trimRotatedLog(logPath, maxSize);
  }

  async close(): Promise<void> {
    this.exits.close();
    this.monitors.close();
  }

  /** The bundle dir of a container created by this driver (survives berthd restarts). */
  async bundleOf(id: string): Promise<string> {
    try {
      return await readlink(this.paths.bundleLink(checkId(id)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`No such container: ${id}`);
      throw err;
    }
  }

  /** The runtime a container was created with, as recorded in its bundle. */
  async runtimeOf(id: string): Promise<string> {
    const bundle = await this.bundleOf(id);
    const name = (await readFile(path.join(bundle, BundleFiles.runtimeName), 'utf8').catch(() => '')).trim();
    if (!name) throw new NotFoundError(`No such container: ${id}`);
    return name;
  }

  private async cliOf(id: string): Promise<OciRuntimeCli> {
    const name = await this.runtimeOf(id);
    const cli = this.clis.get(name);
    if (!cli) throw new InternalError(`container ${id} uses runtime ${name}, which is no longer configured`);
    return cli;
  }
}

