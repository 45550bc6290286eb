/**
 * A snapshotter stacks read-only layers under one writable directory per container.
 *
 * Lifecycle for a container: `prepare(key, layers)` creates its upper and work dirs (and nothing is
 * mounted yet); `mount(key)` mounts the overlay and returns the merged path (idempotent: a second
 * call returns the same path); `unmount(key)` undoes the mount (idempotent); `remove(key)` unmounts
 * if needed and deletes the container's dirs. A failed `prepare` leaves nothing behind.
 */
export interface Snapshotter {
  prepare(key: string, layers: string[]): Promise<void>;
  mount(key: string): Promise<string>;
  unmount(key: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** Whether `key` has been prepared. */
  exists(key: string): boolean;
  /** Bytes written in the container's upper dir (for `ps -s`/SizeRw). */
  usage(key: string): Promise<number>;
}
