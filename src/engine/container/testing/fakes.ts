import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageRecord } from '../../../image/types.js';
import { ManualClock } from '../../../lib/clock/index.js';
import { NotFoundError } from '../../../lib/errors/index.js';
import { LoopbackSandboxProvider } from '../../../network/index.js';
import type {
  AttachConnection, CreateOptions, ExecSpec, ExitFeed, ExitRecord, LogReader, LogRotator, ProcessLister, RuntimeExec, RuntimeIO, RuntimeLifecycle, SpecInput,
} from '../../../runtime/types.js';
import type { FilesystemChange, Snapshotter } from '../../../snapshot/types.js';
import { Readable } from 'node:stream';
import type { EventSink } from '../../events/types.js';
import type { ContainerDeps } from '../context.js';
import type { ContainerRecord } from '../model.js';
import { mountsStep, networkStep, rootfsStep, runtimeCreateStep, specStep } from '../steps/index.js';
import { ContainerStore } from '../store.js';
import { FakeExecProcess, type FakeExecScript } from './fake-exec.js';

type FakeProcess = { status: 'created' | 'running' | 'paused'; pid: number };

/**
 * An in-memory runtime for the engine's rules: containers "run" until told to exit (`exit`) or
 * killed; every call is logged in `calls` ("create <id>", "kill <id> SIGTERM", …) so tests can
 * assert order; `fail` makes the next call of a method throw.
 */
export class FakeRuntime implements RuntimeLifecycle, RuntimeIO, ExitFeed, ProcessLister, LogRotator, RuntimeExec {
  readonly calls: string[] = [];
  readonly processes = new Map<string, FakeProcess>();
  readonly exits = new Map<string, ExitRecord>();
  readonly watched = new Set<string>();
  readonly specs = new Map<string, SpecInput>();
  /** Signals the fake processes ignore (a process that traps SIGTERM). */
  readonly ignored = new Set<string>();
  readonly #listeners: Array<(id: string, exit: ExitRecord) => void> = [];
  readonly #failures = new Map<string, Error>();
  #nextPid = 100;
  /** Called before the runtime deletes a container's state (to look at what was saved then). */
  onDelete?: (id: string) => void;
  monitorAlive = true;
  startPending = false;
  /** When set, `create` waits for it (to look at a start in progress). */
  createGate?: Promise<void>;

  constructor(private readonly clock: { now(): number }) {}

  fail(method: string, err: Error = new Error(`${method} failed`)): void {
    this.#failures.set(method, err);
  }

  #call(method: string, ...args: unknown[]): void {
    this.calls.push([method, ...args].join(' '));
    const err = this.#failures.get(method);
    if (err) {
      this.#failures.delete(method);
      throw err;
    }
  }

  #proc(id: string): FakeProcess {
    const p = this.processes.get(id);
    if (!p) throw new NotFoundError(`No such container: ${id}`);
    return p;
  }

  /** The container's process ends with `exitCode`; its monitor records and reports it. */
  exit(id: string, exitCode: number, extra: Partial<ExitRecord> = {}): void {
    const p = this.processes.get(id);
    if (p) p.status = 'created';
    const exit: ExitRecord = { exitCode, finishedAt: new Date(this.clock.now()).toISOString(), ...extra };
    this.exits.set(id, exit);
    this.watched.delete(id);
    for (const l of this.#listeners) l(id, exit);
  }

  async writeSpec(bundleDir: string, input: SpecInput): Promise<void> {
    this.#call('writeSpec', input.id);
    this.specs.set(input.id, input);
  }
  async create(id: string, _opts: CreateOptions): Promise<{ pid: number }> {
    this.#call('create', id);
    await this.createGate;
    const pid = this.#nextPid++;
    this.processes.set(id, { status: 'created', pid });
    this.exits.delete(id);
    return { pid };
  }
  async start(id: string): Promise<void> {
    this.#call('start', id);
    this.#proc(id).status = 'running';
  }
  async kill(id: string, signal: string | number): Promise<void> {
    this.#call('kill', id, signal);
    const p = this.#proc(id);
    if (p.status === 'created' || this.ignored.has(String(signal))) return;
    const code = /KILL|^9$/.test(String(signal)) ? 137 : /TERM|^15$/.test(String(signal)) ? 143 : undefined;
    if (code !== undefined) setImmediate(() => this.exit(id, code));
  }
  async pause(id: string): Promise<void> {
    this.#call('pause', id);
    this.#proc(id).status = 'paused';
  }
  async resume(id: string): Promise<void> {
    this.#call('resume', id);
    this.#proc(id).status = 'running';
  }
  async hasState(id: string): Promise<boolean> {
    return this.processes.has(id);
  }
  async delete(id: string): Promise<void> {
    this.onDelete?.(id);
    this.#call('delete', id);
    this.processes.delete(id);
    this.exits.delete(id);
    this.watched.delete(id);
  }
  async attach(id: string): Promise<AttachConnection> {
    this.#call('attach', id);
    return Object.assign(new EventEmitter(), { pause() {}, resume() {}, writeStdin: () => true, closeStdin() {}, close() {} });
  }
  async resize(id: string): Promise<void> {
    this.#call('resize', id);
  }
  onExit(listener: (id: string, exit: ExitRecord) => void): void {
    this.#listeners.push(listener);
  }
  async readExit(id: string): Promise<ExitRecord | undefined> {
    return this.exits.get(id);
  }
  async isStartPending(): Promise<boolean> {
    return this.startPending;
  }
  async isMonitorAlive(): Promise<boolean> {
    return this.monitorAlive;
  }
  watchMonitor(id: string): void {
    this.watched.add(id);
  }
  async top(): Promise<{ Titles: string[]; Processes: string[][] }> {
    return { Titles: ['PID'], Processes: [] };
  }
  async rotateLog(id: string): Promise<void> {
    this.#call('rotateLog', id);
  }
  /** What the next execs do; every exec started is kept in `execs`. */
  execScript: (spec: ExecSpec) => FakeExecScript = () => ({});
  readonly execs: FakeExecProcess[] = [];
  async exec(id: string, spec: ExecSpec): Promise<FakeExecProcess> {
    this.#call('exec', id, spec.args.join(' '));
    const p = new FakeExecProcess(spec, this.execScript(spec), this.#nextPid++);
    this.execs.push(p);
    return p;
  }
}

/** A snapshotter that keeps its snapshots in memory; `mounted` tells which are mounted. */
export class FakeSnapshotter implements Pick<Snapshotter, 'prepare' | 'mount' | 'unmount' | 'remove' | 'usage'> {
  readonly calls: string[] = [];
  readonly snapshots = new Set<string>();
  readonly mounted = new Set<string>();
  /** When set, `remove` waits for it (to look at a removal in progress). */
  removeGate?: Promise<void>;

  async prepare(key: string): Promise<void> {
    this.calls.push(`prepare ${key}`);
    this.snapshots.add(key);
  }
  async mount(key: string): Promise<string> {
    this.calls.push(`mount ${key}`);
    this.mounted.add(key);
    return `/fake/${key}/merged`;
  }
  async unmount(key: string): Promise<void> {
    this.calls.push(`unmount ${key}`);
    this.mounted.delete(key);
  }
  async remove(key: string): Promise<void> {
    this.calls.push(`remove ${key}`);
    await this.removeGate;
    this.mounted.delete(key);
    this.snapshots.delete(key);
  }
  async usage(): Promise<number> {
    return 0;
  }
  /** What `changes` reports for every snapshot (commit, diff). */
  changeList: FilesystemChange[] = [];
  async changes(key: string): Promise<FilesystemChange[]> {
    this.calls.push(`changes ${key}`);
    return this.changeList;
  }
  exportChanges(key: string): Readable {
    this.calls.push(`exportChanges ${key}`);
    return Readable.from([]);
  }
  exportRootfs(key: string): Readable {
    this.calls.push(`exportRootfs ${key}`);
    return Readable.from([]);
  }
}

export const FAKE_IMAGE: ImageRecord = {
  id: `sha256:${'a'.repeat(64)}`, repoTags: ['busybox:latest'], repoDigests: [], parent: '', size: 1, layers: [], addedAt: 0,
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Cmd: ['sh'] } },
};

/** Events the engine emitted, as "<action> <name>". */
export class RecordedEvents implements EventSink {
  readonly list: string[] = [];
  container(rec: ContainerRecord, action: string): void {
    this.list.push(`${action} ${rec.name}`);
  }
  image(id: string, action: string): void {
    this.list.push(`${action} ${id}`);
  }
  object(type: string, action: string, actor: { ID: string }): void {
    this.list.push(`${type} ${action} ${actor.ID}`);
  }
}

/** Everything the container operations need, faked; `cleanup` removes the temp store. */
export interface FakeEngine {
  deps: ContainerDeps;
  runtime: FakeRuntime;
  snapshotter: FakeSnapshotter;
  clock: ManualClock;
  events: RecordedEvents;
  logs: string[];
  root: string;
  cleanup(): Promise<void>;
}

export async function fakeEngine(): Promise<FakeEngine> {
  const root = await mkdtemp(join(tmpdir(), 'berth-engine-'));
  const clock = new ManualClock();
  const runtime = new FakeRuntime(clock);
  const snapshotter = new FakeSnapshotter();
  const events = new RecordedEvents();
  const logs: string[] = [];
  const readLogs: LogReader = async function* () {};
  const store = new ContainerStore(root);
  await store.load();
  const deps: ContainerDeps = {
    store,
    images: {
      get: (ref: string) => { if (ref !== 'busybox') throw new NotFoundError(`No such image: ${ref}`); return FAKE_IMAGE; },
      commitImage: async (opts) => ({ ...FAKE_IMAGE, id: `sha256:${'c'.repeat(64)}`, parent: opts.parent, config: { ...FAKE_IMAGE.config, config: opts.config } }),
    },
    snapshotter,
    runtime,
    steps: [rootfsStep(snapshotter), mountsStep(), networkStep(new LoopbackSandboxProvider()), specStep(runtime), runtimeCreateStep(runtime)],
    readLogs,
    runtimes: ['runc'],
    defaultRuntime: 'runc',
    events,
    log: (m) => logs.push(m),
    clock,
  };
  return { deps, runtime, snapshotter, clock, events, logs, root, cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 3 }) };
}
