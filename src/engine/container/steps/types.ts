import type { SpecInput } from '../../../runtime/types.js';
import type { ContainerRecord } from '../model.js';

/** What the steps of one start hand on to the steps after them. */
export interface StartContext {
  readonly rec: ContainerRecord;
  /** The container's OCI bundle directory (config.json and the monitor's files). */
  readonly bundleDir: string;
  /** The mounted rootfs, once the rootfs step ran. */
  rootfs?: string;
  /** Mounts for the spec, once the mounts step ran. */
  mounts: NonNullable<SpecInput['mounts']>;
  /** The network sandbox, once the network step ran. */
  network?: { mode: SpecInput['networkMode']; netnsPath?: string };
  /** Variables legacy links add (the container's own Env overrides them), once the network step ran. */
  linkEnv?: string[];
  /** Namespaces joined or shared and the devices made, once the host-resources step ran. */
  namespaceModes?: SpecInput['namespaceModes'];
  devices?: SpecInput['devices'];
  /** The host's init binary for `--init`, once the host-resources step found it. */
  initPath?: string;
  /** The container's pid, once the runtime created it. */
  pid?: number;
}

/**
 * One part of starting a container, contributed by the subsystem it belongs to: rootfs mount →
 * mounts and volumes → network sandbox → OCI spec → runtime create. A start applies the steps in
 * order and, when one fails, undoes those applied in reverse; stop, exit and restore undo them
 * all in reverse.
 */
export interface StartStep {
  /** For logs: which step failed to undo. */
  readonly name: string;
  apply(ctx: StartContext): Promise<void>;
  /**
   * Undoes the step for a container that is not running (a failed start, an exit, or restore
   * after a crash that may have cut the start or the teardown short). Idempotent.
   */
  undo(rec: ContainerRecord): Promise<void>;
  /**
   * The undo is bookkeeping no user sees (the runtime's state of an exited container): a removal
   * that answers early (`run --rm`) may finish it in the background.
   */
  readonly undoInBackground?: boolean;
  /**
   * Takes over again what the step made for a container that kept running while berthd was
   * down (restore), so that what it holds (addresses, ports, names) stays reserved for it.
   */
  adopt?(rec: ContainerRecord): Promise<void>;
}
