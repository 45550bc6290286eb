import { systemInfo } from '../../../client/system-info.js';
import type { SystemInfo } from '../../../api/system.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';
import { bytesSize } from '../../format/units.js';
import { BERTH_VERSION } from '../../version.js';

/** `berth info`: system-wide information, laid out like `docker info`. */
export const command: Command = {
  spec: {
    name: 'info',
    usage: '[OPTIONS]',
    description: 'Display system-wide information',
    aliases: ['system info', 'info'],
    args: { max: 0 },
    flags: [{ name: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' }],
  },
  async run(ctx, flags) {
    let info: SystemInfo | undefined;
    let error: unknown;
    try {
      info = await systemInfo(ctx.client());
    } catch (err) {
      error = err;
    }
    const format = flags.string('format');
    if (format) {
      if (error) throw error;
      const { compileTemplate } = await import('../../template/index.js');
      ctx.out(`${compileTemplate(format).render(info)}\n`);
      return 0;
    }
    ctx.out(`Client:\n Version:    ${BERTH_VERSION}\n Context:    ${ctx.globals.contextName ?? 'default'}\n Debug Mode: ${ctx.globals.debug}\n\nServer:\n`);
    if (error || !info) {
      ctx.err(`${describeError(error)}\n`);
      return 1;
    }
    ctx.out(renderServerInfo(info));
    // docker prints the daemon's warnings on stderr, after the report
    for (const w of info.Warnings ?? []) ctx.err(`${w}\n`);
    return 0;
  },
};

/** The `/info` fields of newer daemons that `docker info` prints when they are there. */
interface MoreInfo {
  RuncCommit?: { ID?: string } | null;
  ContainerdCommit?: { ID?: string } | null;
  InitCommit?: { ID?: string } | null;
  InitBinary?: string;
  SecurityOptions?: string[] | null;
  ExperimentalBuild?: boolean;
  RegistryConfig?: {
    InsecureRegistryCIDRs?: string[] | null;
    IndexConfigs?: Record<string, { Name?: string; Secure?: boolean }> | null;
    Mirrors?: string[] | null;
  } | null;
  LiveRestoreEnabled?: boolean;
}

/** The server half of `docker info`, for the fields berth's daemon reports, in docker's order. */
export function renderServerInfo(i: SystemInfo): string {
  const more = i as SystemInfo & MoreInfo;
  const l: string[] = [];
  const add = (label: string, value: unknown, indent = ' '): void => {
    if (value !== undefined && value !== null && value !== '') l.push(`${indent}${label}: ${String(value)}`);
  };
  add('Containers', i.Containers ?? 0);
  add('Running', i.ContainersRunning ?? 0, '  ');
  add('Paused', i.ContainersPaused ?? 0, '  ');
  add('Stopped', i.ContainersStopped ?? 0, '  ');
  add('Images', i.Images ?? 0);
  add('Server Version', i.ServerVersion);
  add('Storage Driver', i.Driver);
  for (const [k, v] of i.DriverStatus ?? []) add(k, v, '  ');
  add('Logging Driver', i.LoggingDriver);
  add('Cgroup Driver', i.CgroupDriver);
  add('Cgroup Version', i.CgroupVersion);
  if (i.Runtimes) add('Runtimes', Object.keys(i.Runtimes).sort().join(' '));
  add('Default Runtime', i.DefaultRuntime);
  add('Init Binary', more.InitBinary);
  add('containerd version', more.ContainerdCommit?.ID);
  add('runc version', more.RuncCommit?.ID);
  add('init version', more.InitCommit?.ID);
  l.push(...securityOptions(more.SecurityOptions));
  add('Kernel Version', i.KernelVersion);
  add('Operating System', i.OperatingSystem);
  add('OSType', i.OSType);
  add('Architecture', i.Architecture);
  add('CPUs', i.NCPU);
  if (i.MemTotal !== undefined) add('Total Memory', bytesSize(i.MemTotal));
  add('Name', i.Name);
  add('ID', i.ID);
  add('Docker Root Dir', i.DockerRootDir);
  add('Debug Mode', i.Debug ?? false);
  if (i.Labels?.length) l.push(' Labels:', ...i.Labels.map((x) => `  ${x}`));
  add('Experimental', more.ExperimentalBuild);
  l.push(...registries(more.RegistryConfig));
  add('Live Restore Enabled', more.LiveRestoreEnabled);
  // docker ends the report with an empty line
  return `${l.join('\n')}\n\n`;
}

/**
 * ` Security Options:` with one line per option and its profile, from the daemon's
 * `name=seccomp,profile=builtin` strings (a bare word is an option without settings).
 */
function securityOptions(options: string[] | null | undefined): string[] {
  if (!options?.length) return [];
  const out = [' Security Options:'];
  for (const opt of options) {
    const kv = new Map(opt.split(',').map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [part, ''] as const : [part.slice(0, eq), part.slice(eq + 1)] as const;
    }));
    out.push(`  ${kv.has('name') ? kv.get('name')! : opt}`);
    if (kv.get('profile')) out.push(`   Profile: ${kv.get('profile')!}`);
  }
  return out;
}

/** ` Insecure Registries:` (insecure index names, then CIDRs) and ` Registry Mirrors:`. */
function registries(config: MoreInfo['RegistryConfig']): string[] {
  if (!config) return [];
  const out: string[] = [];
  const indexes = Object.values(config.IndexConfigs ?? {});
  const cidrs = config.InsecureRegistryCIDRs ?? [];
  if (indexes.length || cidrs.length) {
    out.push(' Insecure Registries:');
    for (const index of indexes.filter((x) => !x.Secure).sort((a, b) => String(a.Name).localeCompare(String(b.Name)))) out.push(`  ${index.Name ?? ''}`);
    for (const cidr of cidrs) out.push(`  ${cidr}`);
  }
  if (config.Mirrors?.length) out.push(' Registry Mirrors:', ...config.Mirrors.map((m) => `  ${m}`));
  return out;
}
