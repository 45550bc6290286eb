// Locations the test helpers need, resolved from this file rather than the
// working directory so tests behave the same from any cwd.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  // Compiled helpers live in dist/test/helpers; sources in test/helpers. Walk up
  // to the package.json that names berth instead of counting levels.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'berth') return dir;
      } catch {
        // unreadable package.json: keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('berth repository root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();
export const berthdBin = join(repoRoot, 'bin', 'berthd');
export const berthBin = join(repoRoot, 'bin', 'berth');
export const berthdMain = join(repoRoot, 'dist', 'src', 'cmd', 'berthd.js');

/** The real docker CLI used as the acceptance client (override for other installs). */
export const dockerBin = process.env.BERTH_TEST_DOCKER ?? '/usr/local/bin/docker';

/** Parent of every temp dir the tests make; short, because unix socket paths must stay under 108 bytes. */
export const tmpParent = resolve(process.env.BERTH_TEST_TMP ?? '/tmp');

/**
 * Where tests keep what is slow to make and safe to reuse between runs (a debootstrapped Debian
 * rootfs): in the checkout, ignored by git, so deleting the checkout deletes it too.
 */
export const testDataDir = resolve(process.env.BERTH_TEST_DATA ?? join(repoRoot, '.test-data'));
