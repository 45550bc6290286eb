/** A runtime release line before which a known security problem is not fixed. */
interface KnownIssue {
  runtime: string;
  fixedIn: [number, number, number];
  what: string;
}

/** From THREATS.md §C and §6.8 (runc and crun advisories). */
const KNOWN_ISSUES: KnownIssue[] = [
  { runtime: 'runc', fixedIn: [1, 1, 12], what: 'CVE-2024-21626 (leaked fd lets the working directory escape to the host)' },
  { runtime: 'runc', fixedIn: [1, 2, 8], what: 'CVE-2025-31133, CVE-2025-52565, CVE-2025-52881 (masked path and /dev/console races)' },
  { runtime: 'crun', fixedIn: [1, 14, 1], what: 'chdir and fd hardening after CVE-2024-21626' },
  { runtime: 'crun', fixedIn: [1, 27, 0], what: 'CVE-2026-30892 (exec -u parsing)' },
  { runtime: 'crun', fixedIn: [1, 28, 0], what: 'CVE-2026-47766 (rootfs /dev symlinks followed)' },
];

/** "runc version 1.1.5+ds1" -> [1, 1, 5]. */
export function parseRuntimeVersion(line: string): [number, number, number] | undefined {
  const m = /version\s+(\d+)\.(\d+)(?:\.(\d+))?/.exec(line);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function older(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** Warnings for `info` about a runtime version that predates known fixes. */
export function runtimeWarnings(runtime: string, versionLine: string | undefined): string[] {
  const v = versionLine ? parseRuntimeVersion(versionLine) : undefined;
  if (!v) return [];
  return KNOWN_ISSUES
    .filter((k) => k.runtime === runtime && older(v, k.fixedIn))
    .map((k) => `${runtime} ${v.join('.')} predates ${k.fixedIn.join('.')}: ${k.what}`);
}
