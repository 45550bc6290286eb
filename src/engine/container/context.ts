import type { VolumeService } from '../../volume/types.js';
import type { Clock } from '../../lib/clock/index.js';
import { KeyedLock } from '../../lib/sync/keyed-lock.js';
import type { ImageService } from '../../image/types.js';
import type { RootfsExporter, SnapshotDiffer, Snapshotter } from '../../snapshot/types.js';
import type { ExitFeed, LogReader, LogRotator, ProcessLister, ResourceUpdater, RuntimeExec, RuntimeIO, RuntimeLifecycle, StatsReader } from '../../runtime/types.js';
import type { EventSink } from '../events/types.js';
import type { NetworkController } from '../../network/index.js';
import type { ContainerStore } from './store.js';
import type { StartStep } from './steps/types.js';
import type { HealthMonitor } from './health/monitor.js';
import { Waiters } from './waiters.js';
import { RestartScheduler } from './restart-policy.js';
import { PendingAttachments } from './pending-attachments.js';
import { UseCounter } from './use-counter.js';
import { ExecRegistry } from './exec/registry.js';

/** What the container operations are built on; the composition root provides it. */
export interface ContainerDeps {
  store: ContainerStore;
  images: Pick<ImageService, 'get' | 'commitImage'>;
  snapshotter: Pick<Snapshotter, 'prepare' | 'remove' | 'usage' | 'mount' | 'unmount'> & SnapshotDiffer & RootfsExporter;
  runtime: RuntimeLifecycle & RuntimeIO & ExitFeed & ProcessLister & LogRotator & RuntimeExec;
  /** The start path, in order (see steps/types.ts). */
  steps: readonly StartStep[];
  readLogs: LogReader;
  /** Names of the configured OCI runtimes, and the one used when a container names none. */
  runtimes: string[];
  defaultRuntime: string;
  events: EventSink;
  log: (msg: string) => void;
  clock: Clock;
  /** cgroup readings for `stats`; without it stats answers not-implemented (engine unit tests). */
  stats?: StatsReader;
  /** Live limit changes for `update`; without it only the stored config changes. */
  resourceUpdater?: ResourceUpdater;
  /**
   * Networks: create checks the ones a container names, connect and disconnect change a running
   * container's. Without it only the predefined bridge, host and none exist (engine unit tests).
   */
  networks?: Pick<NetworkController, 'get' | 'connect' | 'disconnect'>;
  /** Health checks, told of starts, pauses, stops and removals; none in tests that do not need them. */
  health?: Pick<HealthMonitor, 'containerStarted' | 'containerResumed' | 'containerPaused' | 'containerRemoved' | 'health'>;
  /** Named and anonymous volumes; without it `-v name:/p`, `--mount type=volume` are refused and image VOLUMEs ignored. */
  volumes?: VolumeService;
}

/**
 * The state the container operations share: each operation is a function over this context in
 * a file of its own. Every mutation of one container runs under its lock.
 */
export interface ContainerContext {
  readonly deps: ContainerDeps;
  readonly locks: KeyedLock;
  /** The one way to wait for exits and removals (wait, stop's timeout, logs -f). */
  readonly waiters: Waiters;
  readonly restarts: RestartScheduler;
  /** Attach sessions waiting for their container to start. */
  readonly attachments: PendingAttachments;
  /** Image ids with a container create in progress, so rmi sees them as used. */
  readonly creating: UseCounter;
  /** Containers stopped by a user since their last start: restart policies leave them alone. */
  readonly manuallyStopped: Set<string>;
  /** Exec instances, in memory: they go with their container (and with berthd). */
  readonly execs: ExecRegistry;
}

export function createContainerContext(deps: ContainerDeps): ContainerContext {
  return {
    deps,
    locks: new KeyedLock(),
    waiters: new Waiters(),
    restarts: new RestartScheduler(deps.clock),
    attachments: new PendingAttachments(),
    creating: new UseCounter(),
    manuallyStopped: new Set(),
    execs: new ExecRegistry(),
  };
}
