/** The Engine API version berth speaks (the one docker CLI 28 uses). */
export const API_VERSION = '1.50';
/** The oldest version accepted in a /vX.Y prefix. */
export const MIN_API_VERSION = '1.24';

/** Compares "1.41" and "1.50" numerically: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether a request's API version is older than the one where a field changed. Version-
 * dependent wire shapes ask this with the version that introduced the change:
 * `apiBefore(v, '1.45')` is true for a client that still expects `ContainerConfig`.
 */
export function apiBefore(version: string, changedIn: string): boolean {
  return compareVersions(version, changedIn) < 0;
}
