/**
 * The `skip` option for unit tests that need root (mounts, chown, mknod, real runtimes): the
 * reason when not root, so they skip locally — but under CI=true a skip would prove nothing, so
 * there the missing prerequisite fails the file instead.
 */
export function skipUnlessRoot(what: string): false | string {
  if (process.getuid?.() === 0) return false;
  if (process.env.CI === 'true') throw new Error(`${what} needs root, and CI=true runs every test: run it as root`);
  return `needs root (${what})`;
}
