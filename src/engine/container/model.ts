import type { ContainerConfig, HostConfig } from '../../api/container.js';
import type { MountPoint } from './mounts.js';
import type { EndpointConfig, NetworkSandbox } from '../../network/index.js';

/** The life-cycle states Docker reports in `State.Status`. */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** Runtime state of a container, persisted with it. */
export interface ContainerRunState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  /** RFC3339Nano, or the zero time when never started. */
  startedAt: string;
  finishedAt: string;
}

/**
 * One container as berth stores it. `config` and `hostConfig` keep the user's request in the
 * Engine API's shape (after defaults from the image are merged), because inspect returns them
 * as they are; everything berth derives lives in camelCase fields.
 */
export interface ContainerRecord {
  id: string;
  /** Without the leading "/". */
  name: string;
  created: string;
  /** The image reference as the user gave it. */
  imageRef: string;
  imageId: string;
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  state: ContainerRunState;
  runtime: string;
  restartCount: number;
  logPath: string;
  hostnamePath: string;
  hostsPath: string;
  resolvConfPath: string;
  /** True once `start` ever succeeded, so restart policies and `ps` can tell. */
  hasBeenStarted: boolean;
  /** Stopped by a user since its last start (kept across berthd restarts for unless-stopped). */
  manuallyStopped?: boolean;
  /** Binds, --mount and --tmpfs, parsed at create (records from before this field are parsed at load). */
  mounts: MountPoint[];
  /**
   * The networks to join at start, by network name, and how (create's NetworkingConfig and
   * later connects/disconnects). Absent on records from before networking: derived from NetworkMode.
   */
  endpointsConfig?: Record<string, EndpointConfig>;
  /** The network sandbox of the current (or last) run: addresses, endpoints, published ports. */
  networkSandbox?: NetworkSandbox;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialRunState(): ContainerRunState {
  return { status: 'created', pid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: ZERO_TIME, finishedAt: ZERO_TIME };
}

/*
 * The state machine. Docker's states and which operations each allows:
 *
 *   created ──start──▶ running ──exit──▶ exited ──start──▶ running
 *                       │  ▲                │
 *                  pause│  │unpause         └─policy─▶ restarting ──back-off over──▶ running
 *                       ▼  │                              │ stop
 *                      paused                             ▼
 *                                                       exited
 *   any state not running ──rm──▶ removing ──▶ (gone)      (running ones only with force)
 */

/** A container whose processes exist (running or paused). */
export const hasProcess = (s: ContainerRunState): boolean => s.status === 'running' || s.status === 'paused';
/**
 * A container Docker counts as running: it has processes or waits out its restart back-off.
 * `ps` lists these by default; stop acts on them; rm refuses them without force.
 */
export const isActive = (s: ContainerRunState): boolean => hasProcess(s) || s.status === 'restarting';
export const canStart = (s: ContainerRunState): boolean => s.status === 'created' || s.status === 'exited';
export const canStop = (s: ContainerRunState): boolean => isActive(s);
export const canPause = (s: ContainerRunState): boolean => s.status === 'running';
export const canUnpause = (s: ContainerRunState): boolean => s.status === 'paused';
export const canAttach = (s: ContainerRunState): boolean => s.status !== 'paused' && s.status !== 'removing';
/** rm: never while a removal runs; an active container only with force. */
export const canRemove = (s: ContainerRunState, force: boolean): boolean => s.status !== 'removing' && (force || !isActive(s));
