import { readFileSync } from 'node:fs';
import type { ContainerCreateRequest, HostConfig, Ulimit } from '../../../api/container.js';
import type { FlagSpec, ParsedFlags } from '../../flags.js';
import { UsageError } from '../../flags.js';
import { ramInBytes } from '../../format/units.js';
import { applyMoreCreateFlags, MORE_CREATE_FLAGS } from './create-more-options.js';
import { buildNetworking, parsePorts } from './network-options.js';

export { parsePorts };
// reference.js alone, not oci/index.js: `run` need not load node:crypto for digests.
import { familiarString, parseReference, withDefaultTag } from '../../../oci/reference.js';

/** Flags shared by `create` and `run` (docker's container options). */
export const CREATE_FLAGS: FlagSpec[] = ([
  { name: 'add-host', kind: 'list', description: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'attach', short: 'a', kind: 'list', description: 'Attach to STDIN, STDOUT or STDERR' },
  { name: 'cap-add', kind: 'list', description: 'Add Linux capabilities' },
  { name: 'cap-drop', kind: 'list', description: 'Drop Linux capabilities' },
  { name: 'cpus', kind: 'string', valueName: 'decimal', description: 'Number of CPUs' },
  { name: 'dns', kind: 'list', description: 'Set custom DNS servers' },
  { name: 'entrypoint', kind: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', kind: 'list', description: 'Set environment variables' },
  { name: 'env-file', kind: 'list', description: 'Read in a file of environment variables' },
  { name: 'expose', kind: 'list', description: 'Expose a port or a range of ports' },
  { name: 'hostname', short: 'h', kind: 'string', description: 'Container host name' },
  { name: 'init', kind: 'bool', description: 'Run an init inside the container that forwards signals and reaps processes' },
  { name: 'interactive', short: 'i', kind: 'bool', description: 'Keep STDIN open even if not attached' },
  { name: 'label', short: 'l', kind: 'list', description: 'Set meta data on a container' },
  { name: 'log-driver', kind: 'string', description: 'Logging driver for the container' },
  { name: 'log-opt', kind: 'list', description: 'Log driver options' },
  { name: 'memory', short: 'm', kind: 'string', valueName: 'bytes', description: 'Memory limit' },
  { name: 'mount', kind: 'list', valueName: 'mount', description: 'Attach a filesystem mount to the container' },
  { name: 'name', kind: 'string', description: 'Assign a name to the container' },
  { name: 'network', kind: 'list', valueName: 'network', description: 'Connect a container to a network' },
  { name: 'net', kind: 'list', hidden: true },
  { name: 'pids-limit', kind: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'platform', kind: 'string', description: 'Set platform if server is multi-platform capable' },
  { name: 'privileged', kind: 'bool', description: 'Give extended privileges to this container' },
  { name: 'publish', short: 'p', kind: 'list', description: "Publish a container's port(s) to the host" },
  { name: 'publish-all', short: 'P', kind: 'bool', description: 'Publish all exposed ports to random ports' },
  { name: 'pull', kind: 'string', default: 'missing', description: 'Pull image before creating ("always", "missing", "never")' },
  { name: 'quiet', short: 'q', kind: 'bool', description: 'Suppress the pull output' },
  { name: 'read-only', kind: 'bool', description: "Mount the container's root filesystem as read only" },
  { name: 'restart', kind: 'string', default: 'no', description: 'Restart policy to apply when a container exits' },
  { name: 'rm', kind: 'bool', description: 'Automatically remove the container and its associated anonymous volumes when it exits' },
  { name: 'runtime', kind: 'string', description: 'Runtime to use for this container' },
  { name: 'stop-signal', kind: 'string', description: 'Signal to stop the container' },
  { name: 'stop-timeout', kind: 'int', description: 'Timeout (in seconds) to stop a container' },
  { name: 'tmpfs', kind: 'list', description: 'Mount a tmpfs directory' },
  { name: 'tty', short: 't', kind: 'bool', description: 'Allocate a pseudo-TTY' },
  { name: 'ulimit', kind: 'list', description: 'Ulimit options' },
  { name: 'user', short: 'u', kind: 'string', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'volume', short: 'v', kind: 'list', description: 'Bind mount a volume' },
  { name: 'workdir', short: 'w', kind: 'string', description: 'Working directory inside the container' },
  ...MORE_CREATE_FLAGS,
] satisfies FlagSpec[]).sort((a, b) => a.name.localeCompare(b.name));

/** What create/run send, plus the name and how the CLI should attach. */
export interface CreatePlan {
  name?: string;
  platform?: string;
  config: ContainerCreateRequest;
}

/**
 * Turns create/run flags and positionals (`IMAGE [COMMAND] [ARG...]`) into the create request.
 * @throws {UsageError} for values docker's typed flags reject while parsing (memory, cpus,
 *   ulimit, attach), and a plain Error for what docker checks afterwards (ports, env files).
 */
export function buildCreatePlan(flags: ParsedFlags, args: string[], env: NodeJS.ProcessEnv, detached: boolean): CreatePlan {
  const [image, ...cmd] = args;
  const attach = flags.list('attach').map((s) => s.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) throw new UsageError(`invalid argument "${a}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  const interactive = flags.bool('interactive');
  const attachStdin = !detached && (attach.length ? attach.includes('stdin') : interactive);
  const hostConfig: HostConfig = {};
  const config: ContainerCreateRequest = {
    Image: image,
    Hostname: flags.string('hostname') ?? '',
    User: flags.string('user') ?? '',
    AttachStdin: attachStdin,
    AttachStdout: !detached && (attach.length ? attach.includes('stdout') : true),
    AttachStderr: !detached && (attach.length ? attach.includes('stderr') : true),
    Tty: flags.bool('tty'),
    OpenStdin: interactive,
    StdinOnce: attachStdin,
    Env: buildEnv(flags, env),
    Cmd: cmd.length ? cmd : undefined,
    WorkingDir: flags.string('workdir') ?? '',
    Labels: keyValues(flags.list('label'), ''),
    HostConfig: hostConfig,
  };
  if (flags.changed('entrypoint')) {
    const ep = flags.string('entrypoint') ?? '';
    config.Entrypoint = ep ? [ep] : [''];
  }
  if (flags.changed('stop-signal')) config.StopSignal = flags.string('stop-signal');
  if (flags.changed('stop-timeout')) config.StopTimeout = flags.int('stop-timeout');

  const binds = flags.list('volume');
  if (binds.length) hostConfig.Binds = binds;
  const networking = buildNetworking(flags);
  hostConfig.NetworkMode = networking.networkMode;
  hostConfig.RestartPolicy = parseRestart(flags.string('restart') ?? 'no');
  hostConfig.AutoRemove = flags.bool('rm');
  if (flags.changed('cap-add')) hostConfig.CapAdd = flags.list('cap-add');
  if (flags.changed('cap-drop')) hostConfig.CapDrop = flags.list('cap-drop');
  if (flags.bool('privileged')) hostConfig.Privileged = true;
  if (flags.bool('read-only')) hostConfig.ReadonlyRootfs = true;
  if (flags.changed('init')) hostConfig.Init = flags.bool('init');
  if (flags.string('runtime')) hostConfig.Runtime = flags.string('runtime');
  if (flags.changed('memory')) hostConfig.Memory = parseMemory(flags.string('memory') ?? '');
  if (flags.changed('cpus')) hostConfig.NanoCpus = parseCpus(flags.string('cpus') ?? '');
  if (flags.changed('pids-limit')) hostConfig.PidsLimit = flags.int('pids-limit');
  if (flags.changed('ulimit')) hostConfig.Ulimits = flags.list('ulimit').map(parseUlimit);
  if (flags.changed('tmpfs')) {
    hostConfig.Tmpfs = Object.fromEntries(flags.list('tmpfs').map((t) => {
      const colon = t.indexOf(':');
      return colon < 0 ? [t, ''] : [t.slice(0, colon), t.slice(colon + 1)];
    }));
  }
  if (flags.changed('log-driver') || flags.changed('log-opt')) {
    hostConfig.LogConfig = { Type: flags.string('log-driver') ?? '', Config: keyValues(flags.list('log-opt'), '') };
  }
  // Sent as docker sends them: always a list, empty when not given (inspect shows [] then).
  hostConfig['Dns'] = flags.list('dns');
  if (flags.changed('add-host')) hostConfig['ExtraHosts'] = flags.list('add-host');
  if (flags.bool('publish-all')) hostConfig['PublishAllPorts'] = true;
  const { exposed, bindings } = parsePorts(flags.list('publish'), flags.list('expose'));
  if (Object.keys(exposed).length) config.ExposedPorts = exposed;
  if (Object.keys(bindings).length) hostConfig.PortBindings = bindings;
  applyMoreCreateFlags(flags, config, hostConfig);
  config.NetworkingConfig = { EndpointsConfig: networking.endpoints };
  return { name: flags.string('name'), platform: flags.string('platform'), config };
}

/** -e and --env-file, in docker's order (files first); `-e NAME` copies NAME from the CLI's env. */
export function buildEnv(flags: ParsedFlags, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  const add = (entry: string): void => {
    if (entry.includes('=')) { out.push(entry); return; }
    const v = env[entry];
    if (v !== undefined) out.push(`${entry}=${v}`);
  };
  for (const file of flags.list('env-file')) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trimStart();
      if (line && !line.startsWith('#')) add(line);
    }
  }
  for (const e of flags.list('env')) add(e);
  return out;
}

function keyValues(list: string[], fallback: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq < 0) out[item] = fallback;
    else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `--restart name[:count]`; the daemon validates the policy, as docker leaves it to dockerd. */
function parseRestart(value: string): { Name: string; MaximumRetryCount?: number } {
  const colon = value.indexOf(':');
  if (colon < 0) return { Name: value };
  const count = Number(value.slice(colon + 1));
  if (!Number.isInteger(count)) throw new Error(`invalid restart policy format: maximum retry count must be an integer`);
  return { Name: value.slice(0, colon), MaximumRetryCount: count };
}

function parseMemory(value: string): number {
  try {
    return ramInBytes(value);
  } catch {
    throw new UsageError(`invalid argument "${value}" for "-m, --memory" flag: invalid size: '${value}'`);
  }
}

function parseCpus(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') throw new UsageError(`invalid argument "${value}" for "--cpus" flag: failed to parse ${value} as a rational number`);
  return Math.round(n * 1e9);
}

function parseUlimit(value: string): Ulimit {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(value);
  if (!m) throw new UsageError(`invalid argument "${value}" for "--ulimit" flag: invalid ulimit argument: ${value}`);
  const soft = Number(m[2]);
  return { Name: m[1]!, Soft: soft, Hard: m[3] === undefined ? soft : Number(m[3]) };
}

/** The reference docker names in "Unable to find image": familiar, with `:latest` when untagged. */
export function normalizeReference(image: string): string {
  return familiarString(withDefaultTag(parseReference(image)));
}
