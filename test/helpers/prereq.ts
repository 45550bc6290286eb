// Deciding whether a test can run on this host. Locally a missing prerequisite
// skips with the reason; in CI (CI=true) it fails, because a CI host that
// silently skips the real tests proves nothing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { TestContext } from 'node:test';
import { berthBin, berthdBin, berthdMain, dockerBin } from './paths.js';

export const inCI = process.env.CI === 'true';

export interface Needs {
  /** Needs uid 0 (mounts, namespaces, cgroups). */
  root?: boolean;
  /** Binaries by name (looked up in PATH) or absolute path. */
  binaries?: string[];
  /** bin/berthd and its compiled main. */
  daemon?: boolean;
  /** bin/berth. */
  cli?: boolean;
  /** The real docker CLI. */
  docker?: boolean;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findBinary(name: string): string | undefined {
  if (isAbsolute(name)) return isExecutable(name) ? name : undefined;
  // root's PATH may lack sbin on some hosts; runc and iptables live there.
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (d && isExecutable(join(d, name))) return join(d, name);
  }
  return undefined;
}

/** The first unmet need, as a sentence, or undefined when all are met. */
export function missingPrerequisite(needs: Needs): string | undefined {
  if (needs.root && process.getuid?.() !== 0) return 'needs root (run the tests as root: sudo npm test)';
  if (needs.docker && !isExecutable(dockerBin)) return `needs the docker CLI at ${dockerBin} (set BERTH_TEST_DOCKER)`;
  if (needs.daemon) {
    if (!existsSync(berthdBin)) return `needs ${berthdBin}`;
    if (!existsSync(berthdMain)) return `needs ${berthdMain} (npm run build)`;
  }
  if (needs.cli && !existsSync(berthBin)) return `needs ${berthBin}`;
  for (const b of needs.binaries ?? []) {
    if (!findBinary(b)) return `needs ${b} (run scripts/setup.sh)`;
  }
  return undefined;
}

/**
 * For `describe(name, { skip: skipReason({...}) }, ...)`: false when the
 * suite can run, the reason when it must skip. Throws under CI=true so the
 * file fails loudly instead.
 */
export function skipReason(needs: Needs): string | false {
  const missing = missingPrerequisite(needs);
  if (!missing) return false;
  if (inCI) throw new Error(`prerequisite missing on a CI host (CI=true makes this a failure): ${missing}`);
  return missing;
}

/** Inside a test: `if (skipUnless(t, { root: true })) return;` */
export function skipUnless(t: TestContext, needs: Needs): boolean {
  const reason = skipReason(needs);
  if (reason) t.skip(reason);
  return reason !== false;
}

export function skipUnlessRoot(t: TestContext): boolean {
  return skipUnless(t, { root: true });
}

/**
 * For a test that drives berthd with the Python SDK (Debian's python3-docker): false when the
 * module imports, the reason otherwise; throws under CI=true like skipReason.
 */
export function pythonSdkSkip(): string | false {
  if (spawnSync('python3', ['-c', 'import docker'], { stdio: 'ignore' }).status === 0) return false;
  const missing = 'needs the Python SDK (python3-docker; run scripts/setup.sh)';
  if (inCI) throw new Error(`prerequisite missing on a CI host (CI=true makes this a failure): ${missing}`);
  return missing;
}

/** What every real-daemon test needs: root, the daemon, and the runtime pieces it drives. */
export const daemonNeeds: Needs = {
  root: true,
  daemon: true,
  binaries: ['conmon', 'runc', 'busybox', 'iptables', 'umount'],
};

/** daemonNeeds plus the real docker CLI, for test/compat. */
export const compatNeeds: Needs = { ...daemonNeeds, docker: true };
