import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerCreateRequest } from '../../api/container.js';
import type { ImageRecord, ImageService } from '../../image/types.js';
import type { Snapshotter } from '../../snapshot/types.js';
import type { ContainerRuntime, ExitRecord, LogEntry, LogReader } from '../../runtime/types.js';
import { parseSignal } from '../../runtime/index.js';
import { ConflictError, InvalidArgumentError, InternalError, isNotFound, messageOf } from '../../lib/errors/index.js';
import { CleanupStack } from '../../lib/sync/cleanup-stack.js';
import { KeyedLock } from '../../lib/sync/keyed-lock.js';
import { generateName, newId } from '../../lib/ids/index.js';
import { ContainerStore } from './store.js';
import { type ContainerRecord, canPause, canStart, canUnpause, initialRunState, isAlive, ZERO_TIME } from './model.js';
import { mergeCreateConfig, parseBind, parseSize, validateName } from './create-config.js';
import { AlreadyStartedError, AlreadyStoppedError, ContainerNotRunningError, ContainerPausedError, NoSuchContainerError } from './errors.js';
import { Waiters, type WaitCondition, type WaitResult } from './waiters.js';
import { AttachSession, type AttachOptions, type AttachSink } from './attach.js';
import { writeEtcFiles } from './etc-files.js';
import { specInputOf } from './spec-input.js';
import { exitCodeForStartError, shouldRestart, startError } from './lifecycle-rules.js';
import { validateCreateRequest } from './validate-request.js';
import type { EventSink } from '../events/types.js';

export interface ContainerServiceDeps {
  store: ContainerStore;
  images: ImageService;
  snapshotter: Snapshotter;
  runtime: ContainerRuntime;
  readLogs: LogReader;
  runtimes: string[];
  defaultRuntime: string;
  events: EventSink;
  log: (msg: string) => void;
}

const now = (): string => new Date().toISOString().replace('Z', '000000Z').replace(/\.(\d{3})000000Z$/, '.$1000000Z');

/**
 * The container life cycle: create, start, stop, kill, pause, remove, and what the monitor
 * reports back (exits). Every mutation of one container runs under its lock, and a failed
 * step undoes what it did in reverse order.
 */
export class ContainerService {
  readonly #d: ContainerServiceDeps;
  readonly #lock = new KeyedLock();
  readonly #waiters = new Waiters();
  readonly #pendingAttach = new Map<string, Set<AttachSession>>();
  /** Exits seen while a stop is in progress, to wake the stopper. */
  readonly #exitWatchers = new Map<string, Set<() => void>>();
  readonly #removing = new Set<string>();
  /** Image ids with a container create in progress, and how many. */
  readonly #creating = new Map<string, number>();
  /** Pending policy restarts, and each container's back-off step. */
  readonly #restartTimers = new Map<string, NodeJS.Timeout>();
  readonly #backoff = new Map<string, number>();
  #rotating = false;
  /** Containers the OCI runtime may still hold state for (created and not yet deleted). */
  readonly #runtimeState = new Set<string>();
  /** Containers stopped by a user since their last start: restart policies leave them alone. */
  readonly #manuallyStopped = new Set<string>();

  constructor(deps: ContainerServiceDeps) {
    this.#d = deps;
    deps.runtime.onExit((id, exit) => {
      void this.#handleExit(id, exit).catch((err) => deps.log(`handling exit of ${id}: ${messageOf(err)}`));
    });
  }

  get store(): ContainerStore {
    return this.#d.store;
  }

  /** Loads containers and reconciles them with what happened while berthd was down. */
  async restore(): Promise<void> {
    const dropped = await this.#d.store.load();
    for (const id of dropped) {
      await this.#d.runtime.delete(id).catch(() => {});
      await this.#d.snapshotter.remove(id).catch(() => {});
      await rm(this.#d.store.dir(id), { recursive: true, force: true });
    }
    for (const rec of this.#d.store.list()) {
      if (!isAlive(rec.state)) {
        // A crash between the runtime's create and saving the record leaves a created (never
        // started) container behind in the runtime; it would block the next start.
        if (await this.#d.runtime.hasState(rec.id)) {
          await this.#d.runtime.delete(rec.id).catch((err) => this.#d.log(`cleaning runtime state of ${rec.id}: ${messageOf(err)}`));
          await this.#d.snapshotter.unmount(rec.id).catch(() => {});
        }
        continue;
      }
      this.#runtimeState.add(rec.id);
      try {
        const exit = await this.#d.runtime.readExit(rec.id);
        if (exit) {
          await this.#handleExit(rec.id, exit);
        } else if (!(await this.#d.runtime.isMonitorAlive(rec.id))) {
          // The monitor died without recording an exit (host reboot, killed monitor).
          await this.#handleExit(rec.id, { exitCode: 255, finishedAt: now() });
        } else if (await this.#d.runtime.isStartPending(rec.id)) {
          // berthd died between saving "running" and the runtime's start: finish the start.
          await this.#d.runtime.start(rec.id);
        }
      } catch (err) {
        this.#d.log(`restoring ${rec.id}: ${messageOf(err)}`);
      }
    }
  }

  // ---- create ------------------------------------------------------------------------------

  /** Creates a container. @throws NotFoundError for an unknown image, ConflictError for a taken name. */
  async create(req: ContainerCreateRequest, requestedName?: string): Promise<{ Id: string; Warnings: string[] }> {
    if (!req || typeof req !== 'object' || Array.isArray(req)) throw new InvalidArgumentError('config cannot be empty in order to create a container');
    if (Object.keys(req).length === 0) throw new InvalidArgumentError('config cannot be empty in order to create a container');
    validateCreateRequest(req as Record<string, unknown>);
    if (typeof req.Image !== 'string' || req.Image === '') throw new InvalidArgumentError('config cannot be empty in order to create a container: no image specified');
    const name = requestedName ? validateName(requestedName) : generateName((n) => this.#d.store.isNameTaken(n));
    const image = this.#d.images.get(req.Image);
    // From here until the record exists, rmi must see this create as a user of the image.
    this.#creating.set(image.id, (this.#creating.get(image.id) ?? 0) + 1);
    try {
      return await this.#create(req, name, image);
    } finally {
      const left = this.#creating.get(image.id)! - 1;
      if (left > 0) this.#creating.set(image.id, left);
      else this.#creating.delete(image.id);
    }
  }

  async #create(req: ContainerCreateRequest, name: string, image: ImageRecord): Promise<{ Id: string; Warnings: string[] }> {
    const id = newId();
    const merged = mergeCreateConfig(req, image, { id, runtimes: this.#d.runtimes, defaultRuntime: this.#d.defaultRuntime });

    const undo = new CleanupStack();
    this.#d.store.reserveName(name, id);
    undo.push(() => this.#d.store.releaseName(name, id));
    try {
      const dir = this.#d.store.dir(id);
      await mkdir(join(dir, 'bundle'), { recursive: true, mode: 0o710 });
      undo.push(() => rm(dir, { recursive: true, force: true }));
      await this.#d.snapshotter.prepare(id, image.layers);
      undo.push(() => this.#d.snapshotter.remove(id));
      const rec: ContainerRecord = {
        id,
        name,
        created: now(),
        imageRef: req.Image as string,
        imageId: image.id,
        path: merged.path,
        args: merged.args,
        config: merged.config,
        hostConfig: merged.hostConfig,
        state: initialRunState(),
        runtime: merged.runtime,
        restartCount: 0,
        logPath: join(dir, 'container.log'),
        hostnamePath: join(dir, 'hostname'),
        hostsPath: join(dir, 'hosts'),
        resolvConfPath: join(dir, 'resolv.conf'),
        hasBeenStarted: false,
      };
      await writeEtcFiles(
        { hostname: rec.hostnamePath, hosts: rec.hostsPath, resolvConf: rec.resolvConfPath },
        { hostname: merged.config.Hostname!, domainname: merged.config.Domainname, networkMode: merged.hostConfig.NetworkMode as string },
      );
      await this.#d.store.save(rec, { create: true });
      undo.release();
      this.#d.events.container(rec, 'create');
      return { Id: id, Warnings: [] };
    } catch (err) {
      await undo.unwind();
      throw err;
    }
  }

  // ---- start -------------------------------------------------------------------------------

  /** Starts a container. @throws NotModifiedError when running, ConflictError when paused. */
  start(ref: string): Promise<void> {
    const rec = this.#d.store.get(ref);
    this.#manuallyStopped.delete(rec.id);
    return this.#lock.run(rec.id, () => this.#start(rec));
  }

  async #start(rec: ContainerRecord): Promise<void> {
    // The record may have been removed while this start waited for the lock.
    if (!this.#d.store.has(rec.id)) throw new NoSuchContainerError(rec.id);
    if (rec.state.status === 'paused') throw new ContainerPausedError(rec.id, 'start');
    if (isAlive(rec.state)) throw new AlreadyStartedError(rec.id);
    if (!canStart(rec.state)) throw new ConflictError(`cannot start container ${rec.id}: container is ${rec.state.status}`);
    const undo = new CleanupStack();
    try {
      if (this.#runtimeState.has(rec.id)) await this.#deleteRuntimeState(rec.id);
      const rootfs = await this.#d.snapshotter.mount(rec.id);
      undo.push(() => this.#d.snapshotter.unmount(rec.id));
      const bundleDir = join(this.#d.store.dir(rec.id), 'bundle');
      await this.#d.runtime.writeSpec(bundleDir, specInputOf(rec, rootfs));
      const { pid } = await this.#d.runtime.create(rec.id, {
        bundleDir,
        runtime: rec.runtime,
        tty: !!rec.config.Tty,
        openStdin: !!rec.config.OpenStdin,
        // Docker closes stdin when the first client's stdin ends only without a TTY; with one,
        // detaching (ctrl-p ctrl-q) must leave stdin open for the next attach.
        leaveStdinOpen: !!rec.config.OpenStdin && (!rec.config.StdinOnce || !!rec.config.Tty),
        logPath: rec.logPath,
        // No hard cap for conmon: 2.1.6 keeps counting across reopens and would then truncate
        // the fresh file. berthd rotates by max-size instead (see rotateLogs).
        logSizeMax: -1,
      });
      this.#runtimeState.add(rec.id);
      undo.push(() => this.#deleteRuntimeState(rec.id));
      const pending = this.#pendingAttach.get(rec.id);
      if (pending) {
        for (const s of pending) await s.connect(this.#d.runtime, rec.id);
        this.#pendingAttach.delete(rec.id);
      }
      const before = { state: rec.state, hasBeenStarted: rec.hasBeenStarted };
      rec.state = { ...rec.state, status: 'running', pid, exitCode: 0, error: '', oomKilled: false, startedAt: now(), finishedAt: ZERO_TIME };
      rec.hasBeenStarted = true;
      undo.push(() => {
        rec.state = before.state;
        rec.hasBeenStarted = before.hasBeenStarted;
      });
      await Promise.all([this.#d.store.save(rec), this.#d.runtime.start(rec.id)]);
      this.#d.events.container(rec, 'start');
    } catch (err) {
      await undo.unwind();
      const msg = messageOf(err);
      // Docker keeps a never-started container "created" (with the error) after a failed start.
      rec.state = { ...rec.state, status: rec.hasBeenStarted ? 'exited' : 'created', pid: 0, error: msg, exitCode: exitCodeForStartError(msg) };
      if (this.#d.store.has(rec.id)) await this.#d.store.save(rec).catch((e) => this.#d.log(`saving ${rec.id}: ${messageOf(e)}`));
      for (const s of this.#pendingAttach.get(rec.id) ?? []) s.close();
      this.#pendingAttach.delete(rec.id);
      this.#waiters.exited(rec.id, rec.state.exitCode, msg);
      if (rec.hostConfig.AutoRemove) void this.#autoRemove(rec.id);
      throw startError(msg, err);
    }
  }

  async #deleteRuntimeState(id: string): Promise<void> {
    await this.#d.runtime.delete(id);
    this.#runtimeState.delete(id);
  }

  // ---- exits -------------------------------------------------------------------------------

  async #handleExit(id: string, exit: ExitRecord): Promise<void> {
    if (!this.#d.store.has(id)) return;
    await this.#lock.run(id, async () => {
      if (!this.#d.store.has(id)) return;
      const rec = this.#d.store.get(id);
      if (!isAlive(rec.state)) return;
      rec.state = { ...rec.state, status: 'exited', pid: 0, exitCode: exit.exitCode, oomKilled: !!exit.oomKilled, finishedAt: exit.finishedAt };
      this.#d.events.container(rec, 'die', { exitCode: String(exit.exitCode) });
      // An auto-remove container is about to be removed, which releases all of this at once.
      if (rec.hostConfig.AutoRemove) return;
      await this.#deleteRuntimeState(id).catch((err) => this.#d.log(`runtime delete ${id}: ${messageOf(err)}`));
      await this.#d.snapshotter.unmount(id).catch((err) => this.#d.log(`unmount ${id}: ${messageOf(err)}`));
      // A failed save (disk full) must not leave stoppers and waiters hanging: the state in
      // memory is right, and the next save writes it.
      await this.#d.store.save(rec).catch((err) => this.#d.log(`saving exit of ${id}: ${messageOf(err)}`));
    });
    for (const wake of this.#exitWatchers.get(id) ?? []) wake();
    const rec = this.#d.store.has(id) ? this.#d.store.get(id) : undefined;
    if (!rec) return;
    this.#waiters.exited(id, rec.state.exitCode);
    if (rec.hostConfig.AutoRemove) await this.#autoRemove(id);
    else if (shouldRestart(rec, this.#manuallyStopped.has(id))) this.#scheduleRestart(rec);
  }

  /**
   * Restarts per policy with Docker's doubling back-off (100 ms, capped at a minute); a run of
   * ten seconds or more resets the back-off. stop, kill and rm cancel a pending restart.
   */
  #scheduleRestart(rec: ContainerRecord): void {
    const ranMs = Date.parse(rec.state.finishedAt) - Date.parse(rec.state.startedAt);
    const step = ranMs >= 10_000 ? 0 : (this.#backoff.get(rec.id) ?? 0);
    this.#backoff.set(rec.id, step + 1);
    const delay = Math.min(60_000, 100 * 2 ** Math.min(step, 10));
    this.#cancelRestart(rec.id);
    const timer = setTimeout(() => {
      this.#restartTimers.delete(rec.id);
      // Decide under the lock, so a stop that came first wins (public start() would clear it).
      void this.#lock.run(rec.id, async () => {
        if (!this.#d.store.has(rec.id) || this.#manuallyStopped.has(rec.id) || isAlive(rec.state)) return;
        rec.restartCount++;
        await this.#start(rec);
        this.#d.events.container(rec, 'restart');
      }).catch((err) => this.#d.log(`restart ${rec.id}: ${messageOf(err)}`));
    }, delay);
    timer.unref();
    this.#restartTimers.set(rec.id, timer);
  }

  /** Cancels a pending policy restart; true when there was one. */
  #cancelRestart(id: string): boolean {
    const timer = this.#restartTimers.get(id);
    if (!timer) return false;
    clearTimeout(timer);
    this.#restartTimers.delete(id);
    return true;
  }

  async #autoRemove(id: string): Promise<void> {
    try {
      await this.remove(id, { force: true, volumes: true, background: true });
    } catch (err) {
      if (!isNotFound(err)) this.#d.log(`auto-remove ${id}: ${messageOf(err)}`);
    }
  }

  /** Resolves when the container is no longer alive, or after `ms`. */
  #exitOrTimeout(rec: ContainerRecord, ms: number): Promise<boolean> {
    if (!isAlive(rec.state)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const set = this.#exitWatchers.get(rec.id) ?? new Set();
      this.#exitWatchers.set(rec.id, set);
      const done = (v: boolean): void => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) this.#exitWatchers.delete(rec.id);
        resolve(v);
      };
      const wake = (): void => done(true);
      const timer = setTimeout(() => done(!isAlive(rec.state)), ms);
      set.add(wake);
    });
  }

  // ---- stop / kill / restart ---------------------------------------------------------------

  /** Stops a container: its stop signal, then SIGKILL after the timeout. @throws NotModifiedError when not running. */
  async stop(ref: string, opts: { signal?: string; timeout?: number } = {}): Promise<void> {
    const rec = this.#d.store.get(ref);
    if (opts.signal) parseSignal(opts.signal);
    // Marked first: a policy restart about to run sees it and stays away.
    this.#manuallyStopped.add(rec.id);
    // A container waiting out its restart back-off counts as running for stop, as in Docker.
    if (this.#cancelRestart(rec.id)) return;
    if (!isAlive(rec.state)) {
      // A policy restart may be starting it right now: let that finish, then look again.
      await this.#lock.run(rec.id, async () => {});
      if (!isAlive(rec.state)) throw new AlreadyStoppedError(rec.id);
    }
    await this.#stopAlive(rec, opts);
  }

  async #stopAlive(rec: ContainerRecord, opts: { signal?: string; timeout?: number }): Promise<void> {
    const signal = opts.signal || rec.config.StopSignal || 'SIGTERM';
    const timeout = opts.timeout ?? (rec.config.StopTimeout as number | undefined) ?? 10;
    if (rec.state.status === 'paused') {
      await this.#d.runtime.kill(rec.id, signal).catch(() => {});
      await this.#d.runtime.resume(rec.id).catch(() => {});
    } else {
      await this.#d.runtime.kill(rec.id, signal).catch((err) => this.#d.log(`stop signal ${rec.id}: ${messageOf(err)}`));
    }
    // A negative timeout waits for the container however long it takes (Docker's -t -1).
    if (timeout < 0) {
      while (!(await this.#exitOrTimeout(rec, 60_000)));
      return;
    }
    if (await this.#exitOrTimeout(rec, timeout * 1000)) return;
    await this.#d.runtime.kill(rec.id, 'SIGKILL').catch(() => {});
    if (!(await this.#exitOrTimeout(rec, 10_000))) throw new InternalError(`container ${rec.id} did not exit after SIGKILL`);
  }

  /** Sends a signal. @throws ConflictError when the container is not running. */
  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const rec = this.#d.store.get(ref);
    parseSignal(signal);
    if (!isAlive(rec.state)) throw new ContainerNotRunningError(rec.id);
    this.#cancelRestart(rec.id);
    await this.#d.runtime.kill(rec.id, signal);
    this.#d.events.container(rec, 'kill', { signal });
    if (/^(SIG)?KILL$|^9$/.test(signal.toUpperCase())) await this.#exitOrTimeout(rec, 5000);
  }

  async restart(ref: string, opts: { signal?: string; timeout?: number } = {}): Promise<void> {
    const rec = this.#d.store.get(ref);
    this.#manuallyStopped.add(rec.id);
    this.#cancelRestart(rec.id);
    if (isAlive(rec.state)) await this.#stopAlive(rec, opts);
    await this.start(rec.id);
    this.#d.events.container(rec, 'restart');
  }

  // ---- pause -------------------------------------------------------------------------------

  async pause(ref: string): Promise<void> {
    const rec = this.#d.store.get(ref);
    await this.#lock.run(rec.id, async () => {
      if (rec.state.status === 'paused') throw new ConflictError(`Container ${rec.id} is already paused`);
      if (!canPause(rec.state)) throw new ContainerNotRunningError(rec.id);
      await this.#d.runtime.pause(rec.id);
      rec.state = { ...rec.state, status: 'paused' };
      await this.#d.store.save(rec);
      this.#d.events.container(rec, 'pause');
    });
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.#d.store.get(ref);
    await this.#lock.run(rec.id, async () => {
      if (!canUnpause(rec.state)) throw new ConflictError(`Container ${rec.id} is not paused`);
      await this.#d.runtime.resume(rec.id);
      rec.state = { ...rec.state, status: 'running' };
      await this.#d.store.save(rec);
      this.#d.events.container(rec, 'unpause');
    });
  }

  // ---- remove / rename ---------------------------------------------------------------------

  /** Removes a container. @throws ConflictError when running and not forced. */
  async remove(ref: string, opts: { force?: boolean; volumes?: boolean; background?: boolean } = {}): Promise<void> {
    const rec = this.#d.store.get(ref);
    if (this.#removing.has(rec.id)) throw new ConflictError(`removal of container ${rec.id} is already in progress`);
    const refuseIfAlive = (): void => {
      if (isAlive(rec.state) && !opts.force) {
        const what = rec.state.status === 'paused' ? 'paused' : 'running';
        throw new ConflictError(`cannot remove container "/${rec.name}": container is ${what}: stop the container before removing or force remove`);
      }
    };
    refuseIfAlive();
    this.#removing.add(rec.id);
    let removed = false;
    try {
      this.#cancelRestart(rec.id);
      if (isAlive(rec.state)) {
        this.#manuallyStopped.add(rec.id);
        await this.#d.runtime.kill(rec.id, 'SIGKILL').catch(() => {});
        if (rec.state.status === 'paused') await this.#d.runtime.resume(rec.id).catch(() => {});
        await this.#exitOrTimeout(rec, 10_000);
      }
      await this.#lock.run(rec.id, async () => {
        if (!this.#d.store.has(rec.id)) return;
        // A start may have run while this removal waited for the lock.
        refuseIfAlive();
        await this.#d.store.forget(rec);
        removed = true;
        // For an auto-remove the runtime's bookkeeping (invisible to users) may finish in the
        // background, so `run --rm` returns sooner; `rm` waits until everything is gone.
        const runtimeGone = this.#runtimeState.has(rec.id) ? this.#deleteRuntimeState(rec.id) : Promise.resolve();
        const rootfsGone = this.#d.snapshotter.remove(rec.id);
        const allGone = Promise.all([runtimeGone, rootfsGone]).then(() => this.#d.store.deleteDir(rec.id));
        if (opts.background) {
          allGone.catch((err) => this.#d.log(`cleaning up removed container ${rec.id}: ${messageOf(err)}`));
          await rootfsGone;
        } else {
          await allGone;
        }
      });
    } finally {
      this.#removing.delete(rec.id);
      // Once the record is gone, everyone waiting on the container hears so, even if a cleanup
      // step failed; a removal that found nothing to remove says nothing.
      if (removed) {
        for (const s of this.#pendingAttach.get(rec.id) ?? []) s.close();
        this.#pendingAttach.delete(rec.id);
        this.#waiters.removed(rec.id, rec.state.exitCode);
        this.#manuallyStopped.delete(rec.id);
        this.#backoff.delete(rec.id);
        this.#d.events.container(rec, 'destroy');
      }
    }
  }

  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.#d.store.get(ref);
    if (!newName) throw new InvalidArgumentError('Neither old nor new names may be empty');
    const name = validateName(newName);
    if (name === rec.name) throw new InvalidArgumentError('Renaming a container with the same name as its current name');
    await this.#lock.run(rec.id, async () => {
      if (!this.#d.store.has(rec.id)) throw new NoSuchContainerError(ref);
      this.#d.store.reserveName(name, rec.id);
      const old = rec.name;
      rec.name = name;
      try {
        await this.#d.store.save(rec);
      } catch (err) {
        rec.name = old;
        this.#d.store.releaseName(name, rec.id);
        throw err;
      }
      this.#d.store.releaseName(old, rec.id);
      this.#d.events.container(rec, 'rename', { oldName: `/${old}` });
    });
  }

  // ---- wait / attach / logs / top / resize -------------------------------------------------

  /** Waits for a condition. A container already stopped answers at once for not-running. */
  wait(ref: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<WaitResult> {
    const rec = this.#d.store.get(ref);
    if (condition === 'not-running' && !isAlive(rec.state) && rec.state.status !== 'created') {
      return Promise.resolve({ StatusCode: rec.state.exitCode, Error: null });
    }
    if (condition === 'not-running' && rec.state.status === 'created') return this.#waiters.add(rec.id, 'next-exit', signal);
    return this.#waiters.add(rec.id, condition, signal);
  }

  /**
   * Attaches a client. Before start the session waits and is connected at start, so nothing
   * the container prints is missed; on a running container it connects now.
   */
  async attach(ref: string, sink: AttachSink, opts: AttachOptions): Promise<AttachSession> {
    const rec = this.#d.store.get(ref);
    if (rec.state.status === 'paused') throw new ConflictError(`container ${rec.id} is paused, unpause the container before attach`);
    // A session that ends before the start (client gone) must not wait for it.
    const session: AttachSession = new AttachSession(sink, opts, () => {
      const set = this.#pendingAttach.get(rec.id);
      if (set?.delete(session) && set.size === 0) this.#pendingAttach.delete(rec.id);
    });
    if (rec.state.status === 'running') {
      await session.connect(this.#d.runtime, rec.id);
    } else {
      const set = this.#pendingAttach.get(rec.id) ?? new Set();
      set.add(session);
      this.#pendingAttach.set(rec.id, set);
    }
    return session;
  }

  /** The container's log entries; with follow, ends when the container stops. */
  logs(ref: string, opts: { follow?: boolean; tail?: number; since?: number; until?: number; stdout?: boolean; stderr?: boolean; signal?: AbortSignal }): { tty: boolean; entries: AsyncIterable<LogEntry> } {
    const rec = this.#d.store.get(ref);
    const stopped = opts.follow
      ? isAlive(rec.state) ? this.#waiters.add(rec.id, 'next-exit', opts.signal).then(() => {}) : Promise.resolve()
      : undefined;
    return { tty: !!rec.config.Tty, entries: this.#d.readLogs(rec.logPath, { ...opts, stopped }) };
  }

  async top(ref: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const rec = this.#d.store.get(ref);
    if (!isAlive(rec.state)) throw new ContainerNotRunningError(rec.id);
    return this.#d.runtime.top(rec.id, psArgs);
  }

  async resize(ref: string, height: number, width: number): Promise<void> {
    const rec = this.#d.store.get(ref);
    if (!isAlive(rec.state)) throw new ContainerNotRunningError(rec.id);
    if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0) throw new InvalidArgumentError('invalid terminal size');
    if (rec.config.Tty) await this.#d.runtime.resize(rec.id, height, width);
  }

  /** Containers (by id) that use an image, plus creates still in progress ("creating"). */
  imageUsers(imageId: string, runningOnly = false): string[] {
    const users = this.#d.store.list().filter((c) => c.imageId === imageId && (!runningOnly || isAlive(c.state))).map((c) => c.id);
    if (!runningOnly && this.#creating.has(imageId)) users.push('(a container being created)');
    return users;
  }

  async sizeRw(id: string): Promise<number> {
    return this.#d.snapshotter.usage(id).catch(() => 0);
  }

  /** Removes stopped containers. */
  async prune(keep: (rec: ContainerRecord) => boolean): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    let space = 0;
    for (const rec of this.#d.store.list()) {
      if (isAlive(rec.state) || keep(rec)) continue;
      space += await this.sizeRw(rec.id);
      try {
        await this.remove(rec.id, {});
        deleted.push(rec.id);
      } catch (err) {
        this.#d.log(`prune ${rec.id}: ${messageOf(err)}`);
      }
    }
    return { ContainersDeleted: deleted, SpaceReclaimed: space };
  }

  /** Log rotation: called periodically; rotates logs of running containers over their max-size. */
  async rotateLogs(): Promise<void> {
    if (this.#rotating) return;
    this.#rotating = true;
    try {
      await this.#rotateLogs();
    } finally {
      this.#rotating = false;
    }
  }

  async #rotateLogs(): Promise<void> {
    for (const rec of this.#d.store.list()) {
      if (!isAlive(rec.state)) continue;
      const cfg = rec.hostConfig.LogConfig?.Config ?? {};
      if (!cfg['max-size']) continue;
      const max = parseSize(cfg['max-size']);
      const st = await stat(rec.logPath).catch(() => undefined);
      if (st && st.size >= max) {
        await this.#d.runtime.rotateLog(rec.id, rec.logPath, Number(cfg['max-file'] ?? 1)).catch((err) => this.#d.log(`rotate ${rec.id}: ${messageOf(err)}`));
      }
    }
  }
}

