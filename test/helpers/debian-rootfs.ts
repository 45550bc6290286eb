// A Debian bookworm minbase root filesystem as a tar, made once with debootstrap and kept under
// the tests' data dir, for interop tests that want a realistic image rather than a busybox.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mountsUnder } from './daemon.js';
import { run } from './exec.js';
import { testDataDir } from './paths.js';
import { findBinary } from './prereq.js';

export const debianSuite = 'bookworm';
const fallbackMirror = 'http://deb.debian.org/debian';

/** What the rootfs should show when run, read from the tar itself. */
export interface RootfsFacts {
  /** /etc/debian_version, e.g. "12.11". */
  debianVersion: string;
  /** Packages dpkg lists as installed ("ii"). */
  installed: number;
}

/**
 * The Debian mirror apt on this host uses for `bookworm main` (one-line .list files and deb822
 * .sources files), so debootstrap fetches from where this machine is known to reach.
 */
export function configuredDebianMirror(): string {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (f.endsWith('.list') || f.endsWith('.sources')) files.push(join(dir, f));
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name: string): string[] => new RegExp(`^${name}:(.*)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
        if (/^Enabled:\s*no/mi.test(stanza)) continue;
        if (field('Types').includes('deb') && field('Suites').includes(debianSuite) && field('Components').includes('main')) {
          const uri = field('URIs').find((u) => /^https?:\/\//.test(u));
          if (uri) return uri.replace(/\/+$/, '');
        }
      }
    } else {
      for (const line of text.split('\n')) {
        // deb [options] URI suite component...
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(https?:\/\/\S+)\s+(\S+)\s+(.*)$/.exec(line);
        if (m && m[2] === debianSuite && m[3]!.split(/\s+/).includes('main')) return m[1]!.replace(/\/+$/, '');
      }
    }
  }
  return fallbackMirror;
}

async function unmountUnder(dir: string): Promise<void> {
  // Deepest first; lazily, so a busy mount cannot keep the rest mounted.
  for (const mp of mountsUnder(dir + '/').sort((a, b) => b.length - a.length)) await run('umount', ['-l', mp]);
  if (mountsUnder(dir + '/').length) throw new Error(`mounts left under ${dir}; not removing it`);
}

/**
 * The path of the cached rootfs tar, making it first when missing (a few minutes: debootstrap
 * downloads and installs about 90 packages). Each maker works in its own temp dir and renames the
 * finished tar into place, so concurrent runs never see half a tar; at worst both make one.
 */
export async function debianRootfsTar(log: (msg: string) => void = () => {}): Promise<string> {
  const final = join(testDataDir, `debian-${debianSuite}-minbase.tar`);
  if (existsSync(final)) return final;
  const debootstrap = findBinary('debootstrap');
  if (!debootstrap) throw new Error('needs debootstrap (run scripts/setup.sh)');
  await mkdir(testDataDir, { recursive: true });
  const work = await mkdtemp(join(testDataDir, 'debootstrap-'));
  const root = join(work, 'root');
  try {
    const mirror = configuredDebianMirror();
    log(`debootstrap --variant=minbase ${debianSuite} from ${mirror} (once; cached as ${final})`);
    const t0 = Date.now();
    const r = await run(debootstrap, ['--variant=minbase', debianSuite, root, mirror], { timeoutMs: 20 * 60_000 });
    if (r.code !== 0) throw new Error(`debootstrap failed (exit ${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
    log(`debootstrap took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    await unmountUnder(root);
    // As Debian's published images are: no device nodes or kernel file systems' contents, no
    // downloaded package files or indexes (a container gets /dev, /proc and /sys at run time).
    const tar = join(work, 'rootfs.tar');
    execFileSync('tar', ['-C', root, '--numeric-owner', '--xattrs', '--xattrs-include=*', '-cf', tar,
      '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*',
      '--exclude=./var/cache/apt/archives/*.deb', '--exclude=./var/lib/apt/lists/*', '.'], { stdio: ['ignore', 'ignore', 'pipe'] });
    await rename(tar, final);
    return final;
  } finally {
    await unmountUnder(work);
    await rm(work, { recursive: true, force: true });
  }
}

/** Facts about a rootfs tar that a container made from it must show. */
export function rootfsFacts(tar: string): RootfsFacts {
  const member = (name: string): string => execFileSync('tar', ['-xOf', tar, name], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const status = member('./var/lib/dpkg/status');
  return {
    debianVersion: member('./etc/debian_version').trim(),
    installed: status.split('\n').filter((l) => l === 'Status: install ok installed').length,
  };
}
