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
    ctx.out(`Client:\n Version:    ${BERTH_VERSION}\n Context:    default\n Debug Mode: ${ctx.globals.debug}\n\nServer:\n`);
    if (error || !info) {
      ctx.err(`${describeError(error)}\n`);
      return 1;
    }
    ctx.out(renderServerInfo(info));
    return 0;
  },
};

/** The server half of `docker info`, for the fields berth's daemon reports. */
export function renderServerInfo(i: SystemInfo): string {
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
  let out = `${l.join('\n')}\n`;
  for (const w of i.Warnings ?? []) out += `${w}\n`;
  return out;
}
