import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from '../../sys/exec.js';
import { buildSpec, readHostFacts } from '../spec/index.js';
import type { RuntimeInfo } from '../types.js';
import type { OciRuntimeCli } from './runtime-cli.js';
import { runtimeMessage } from './runtime-cli.js';
import { runtimeWarnings } from './known-issues.js';

/** The host's static busybox, copied into the probe's rootfs. */
export const HOST_BUSYBOX = '/bin/busybox';

/**
 * Runs a real throwaway container (`busybox true` in a fresh rootfs) with `runtime run`, which is
 * the only reliable way to learn whether a runtime works here: crun 1.8.1, for one, installs fine
 * and then refuses the host's hybrid cgroup layout at the first container.
 */
export async function probeRuntime(cli: OciRuntimeCli, workDir: string): Promise<RuntimeInfo> {
  const id = `berth-probe-${cli.name}-${randomBytes(4).toString('hex')}`;
  const bundle = path.join(workDir, id);
  const info: RuntimeInfo = { name: cli.name, path: cli.binary, ok: false };
  try {
    const version = await cli.version();
    if (version === undefined) return { ...info, reason: `${cli.binary}: cannot run --version` };
    const warnings = runtimeWarnings(cli.name, version);
    if (warnings.length > 0) info.warnings = warnings;
    const rootfs = path.join(bundle, 'rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true, mode: 0o700 });
    await copyFile(HOST_BUSYBOX, path.join(rootfs, 'bin', 'busybox'));
    const spec = buildSpec({
      id, rootfs, args: ['/bin/busybox', 'true'], env: [], cwd: '/', user: '', hostname: 'probe',
      tty: false, openStdin: false, networkMode: 'none', cgroupsPath: `/berth/${id}`,
    }, readHostFacts(), { uid: 0, gid: 0, additionalGids: [0] });
    await writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec));
    const r = await cli.exec(['run', '--bundle', bundle, id]);
    if (r.code === 0) return { ...info, ok: true, version };
    return { ...info, version, reason: runtimeMessage(r) };
  } catch (err) {
    return { ...info, reason: (err as Error).message };
  } finally {
    await cli.delete(id).catch(() => {});
    await rm(bundle, { recursive: true, force: true }).catch(() => {});
  }
}

/** Probe order: crun first (faster), then runc, then any other configured runtime. */
export function probeOrder(names: string[]): string[] {
  const rank = (n: string): number => (n === 'crun' ? 0 : n === 'runc' ? 1 : 2);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

/** "2.1.6" from `conmon --version`, or undefined when conmon cannot run. */
export async function conmonVersion(conmonPath: string): Promise<string | undefined> {
  const r = await execFile(conmonPath, ['--version']).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  return /version\s+(\S+)/.exec(r.stdout)?.[1] ?? r.stdout.split('\n')[0]?.trim();
}
