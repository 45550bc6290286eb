import type { ContainerCreateRequest, ContainerConfig, HealthConfig, HostConfig } from '../../api/container.js';
import type { ImageRecord } from '../../image/types.js';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { cpus, hostname } from 'node:os';
import { mergeHealthcheck } from './health/config.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const MIN_MEMORY = 6 * 1024 * 1024;
const LOG_DRIVERS = new Set(['json-file', 'local', 'k8s-file', 'none']);
const RESTART_NAMES = new Set(['', 'no', 'always', 'unless-stopped', 'on-failure']);

/** Checks a requested container name (without "/"), with Docker's message. */
export function validateName(name: string): string {
  const n = name.startsWith('/') ? name.slice(1) : name;
  if (!NAME_RE.test(n)) throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return n;
}

function arrayOrUndefined(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InvalidArgumentError(`invalid ${field}: expected an array of strings`);
  return v as string[];
}

/** Parses a Docker size such as "10m", "1g", "512k" or plain bytes. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(s.trim());
  if (!m) throw new InvalidArgumentError(`invalid size: '${s}'`);
  const mult: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.floor(parseFloat(m[1]!) * mult[m[2]!.toLowerCase()]!);
}

export interface MergedConfig {
  config: ContainerConfig;
  hostConfig: HostConfig;
  path: string;
  args: string[];
  runtime: string;
}

/**
 * Merges a create request with its image's defaults and validates it, the way Docker does:
 * a user entrypoint drops the image's Cmd, env vars override by key, labels merge.
 */
export function mergeCreateConfig(
  req: ContainerCreateRequest,
  image: ImageRecord,
  opts: { id: string; runtimes: string[]; defaultRuntime: string },
): MergedConfig {
  const img = image.config.config ?? {};
  const userCmd = arrayOrUndefined(req.Cmd, 'Cmd');
  let userEntrypoint = arrayOrUndefined(req.Entrypoint, 'Entrypoint');
  const userEnv = arrayOrUndefined(req.Env, 'Env') ?? [];
  for (const e of userEnv) if (e.startsWith('=') || e === '') throw new InvalidArgumentError(`invalid environment variable: ${e}`);

  let entrypoint: string[] = (img.Entrypoint ?? []) as string[];
  let cmd: string[] = (img.Cmd ?? []) as string[];
  if (userEntrypoint !== undefined) {
    // `--entrypoint ""` resets the image's entrypoint.
    if (userEntrypoint.length === 1 && userEntrypoint[0] === '') userEntrypoint = [];
    entrypoint = userEntrypoint;
    cmd = userCmd ?? [];
  } else if (userCmd !== undefined && userCmd.length > 0) {
    cmd = userCmd;
  }
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw new InvalidArgumentError('no command specified');

  const env = mergeEnv((img.Env ?? []) as string[], userEnv);
  const workingDir = (req.WorkingDir || img.WorkingDir || '') as string;
  if (workingDir && !workingDir.startsWith('/')) {
    throw new InvalidArgumentError(`the working directory '${workingDir}' is invalid, it needs to be an absolute path`);
  }
  if (req.Labels !== undefined && req.Labels !== null && typeof req.Labels !== 'object') throw new InvalidArgumentError('invalid Labels: expected an object');

  const config: ContainerConfig = {
    // With the host's UTS namespace the container sees the host's name, and inspect says so.
    Hostname: req.Hostname || (req.HostConfig?.UTSMode === 'host' ? hostname() : opts.id.slice(0, 12)),
    Domainname: req.Domainname ?? '',
    User: (req.User || img.User || '') as string,
    AttachStdin: !!req.AttachStdin,
    AttachStdout: !!req.AttachStdout,
    AttachStderr: !!req.AttachStderr,
    ...(req.ExposedPorts || img.ExposedPorts ? { ExposedPorts: { ...(img.ExposedPorts ?? {}), ...(req.ExposedPorts ?? {}) } as ContainerConfig['ExposedPorts'] } : {}),
    Tty: !!req.Tty,
    OpenStdin: !!req.OpenStdin,
    StdinOnce: !!req.StdinOnce,
    Env: env,
    Cmd: userEntrypoint !== undefined ? (userCmd ?? []) : cmd,
    Image: req.Image as string,
    Volumes: { ...(img.Volumes ?? {}), ...(req.Volumes ?? {}) } as ContainerConfig['Volumes'],
    WorkingDir: workingDir,
    Entrypoint: entrypoint.length ? entrypoint : (null as unknown as undefined),
    OnBuild: null,
    Labels: { ...((img.Labels ?? {}) as Record<string, string>), ...(req.Labels ?? {}) },
    StopSignal: (req.StopSignal || img.StopSignal || 'SIGTERM') as string,
  };
  if (typeof req.StopTimeout === 'number') config.StopTimeout = req.StopTimeout;
  const healthcheck = mergeHealthcheck(req.Healthcheck, img.Healthcheck as HealthConfig | undefined);
  if (healthcheck) config.Healthcheck = healthcheck;
  const shell = req.Shell?.length ? req.Shell : (img.Shell as string[] | undefined);
  if (shell?.length) config.Shell = shell;

  const hostConfig = validateHostConfig(req.HostConfig ?? {}, opts);
  return { config, hostConfig, path: argv[0]!, args: argv.slice(1), runtime: hostConfig.Runtime as string };
}

function mergeEnv(base: string[], overrides: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...overrides]) {
    const k = e.split('=')[0]!;
    out.set(k, e);
  }
  return [...out.values()];
}

function validateHostConfig(hc: HostConfig, opts: { runtimes: string[]; defaultRuntime: string }): HostConfig {
  if (typeof hc !== 'object' || Array.isArray(hc)) throw new InvalidArgumentError('invalid HostConfig: expected an object');
  const out: HostConfig = { ...hc };
  // The network mode and its networks were checked by create-network.ts.
  const mode = (hc.NetworkMode ?? '') as string;
  if (mode === '' || mode === 'default') out.NetworkMode = 'bridge';

  const mem = hc.Memory ?? 0;
  if (mem > 0 && mem < MIN_MEMORY) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB');
  const swap = (hc.MemorySwap ?? 0) as number;
  if (mem > 0 && swap > 0 && swap < mem) throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage');

  const nano = hc.NanoCpus ?? 0;
  const ncpu = cpus().length;
  if (nano > ncpu * 1e9) {
    throw new InvalidArgumentError(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  }
  if (nano > 0 && ((hc.CpuQuota as number) > 0 || (hc.CpuPeriod as number) > 0)) {
    throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  if (hc.PidsLimit !== undefined && hc.PidsLimit !== null && typeof hc.PidsLimit !== 'number') throw new InvalidArgumentError('invalid PidsLimit: expected a number');

  const runtime = (hc.Runtime || opts.defaultRuntime) as string;
  if (!opts.runtimes.includes(runtime)) throw new InvalidArgumentError(`unknown or invalid runtime name: ${runtime}`);
  out.Runtime = runtime;

  const log = hc.LogConfig ?? { Type: '' };
  const type = log.Type || 'json-file';
  if (!LOG_DRIVERS.has(type)) throw new InvalidArgumentError(`failed to create log driver: logger: no log driver named '${type}' is registered`);
  const logCfg = log.Config ?? {};
  for (const k of Object.keys(logCfg)) {
    if (type === 'none' || !['max-size', 'max-file', 'compress', 'labels', 'env', 'tag', 'mode', 'max-buffer-size'].includes(k)) {
      throw new InvalidArgumentError(`unknown log opt '${k}' for ${type} log driver`);
    }
  }
  if (logCfg['max-size'] !== undefined) parseSize(logCfg['max-size']);
  if (logCfg['max-file'] !== undefined && !/^[1-9]\d*$/.test(logCfg['max-file'])) {
    throw new InvalidArgumentError(`invalid value for max-file: ${logCfg['max-file']}`);
  }
  out.LogConfig = { Type: type, Config: logCfg };

  const rp = hc.RestartPolicy ?? { Name: 'no' };
  if (!RESTART_NAMES.has(rp.Name ?? '')) {
    throw new InvalidArgumentError(`invalid restart policy: unknown policy '${rp.Name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  }
  if ((rp.MaximumRetryCount ?? 0) < 0) throw new InvalidArgumentError('invalid restart policy: maximum retry count cannot be negative');
  if (rp.MaximumRetryCount && rp.Name !== 'on-failure') throw new InvalidArgumentError("invalid restart policy: maximum retry count can only be used with 'on-failure'");
  if (hc.AutoRemove && rp.Name && rp.Name !== 'no') throw new InvalidArgumentError('can\'t create \'AutoRemove\' container with restart policy');
  out.RestartPolicy = { Name: rp.Name || 'no', MaximumRetryCount: rp.MaximumRetryCount ?? 0 };

  for (const b of (hc.Binds ?? []) as string[]) parseBind(b);
  if (hc.Tmpfs && typeof hc.Tmpfs === 'object') {
    for (const [dest, opts] of Object.entries(hc.Tmpfs as Record<string, string>)) {
      if (!dest.startsWith('/')) throw new InvalidArgumentError(`invalid mount path: '${dest}' mount path must be absolute`);
      checkTmpfsOptions(typeof opts === 'string' ? opts : '');
    }
  }
  return out;
}

/** Mount flags a tmpfs may be given by name (mount(8)'s), and the tmpfs data options. */
const TMPFS_FLAGS = new Set([
  'defaults', 'ro', 'rw', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync', 'async', 'dirsync', 'remount', 'mand', 'nomand',
  'atime', 'noatime', 'diratime', 'nodiratime', 'bind', 'rbind', 'unbindable', 'runbindable', 'private', 'rprivate', 'shared', 'rshared',
  'slave', 'rslave', 'relatime', 'norelatime', 'strictatime', 'nostrictatime',
]);
const TMPFS_DATA = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

/**
 * `--tmpfs /path:opts`: Docker's list of what a tmpfs takes, with its words for the rest. Docker
 * finds out at start; berth says so at create, before a container that cannot start exists.
 */
function checkTmpfsOptions(opts: string): void {
  for (const o of opts.split(',')) {
    if (o === '' || TMPFS_FLAGS.has(o)) continue;
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    if (eq < 0 || !TMPFS_DATA.has(key)) throw new InvalidArgumentError(`invalid tmpfs option ${JSON.stringify(key)}`);
  }
}

/** The groups of `-v` mode options; an entry may name one of each. */
const BIND_MODE_GROUPS: Record<string, string[]> = {
  rw: ['ro', 'rw'],
  label: ['z', 'Z'],
  propagation: ['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'],
  copy: ['nocopy'],
  consistency: ['consistent', 'cached', 'delegated'],
};

/**
 * A `-v` entry: `/host:/ctr[:mode]` is a bind, `name:/ctr[:mode]` a named volume and `/ctr` alone
 * an anonymous one (source ""). Whether volumes can be had at all is create's question.
 */
export function parseBind(spec: string): { kind: 'bind' | 'volume'; source: string; destination: string; readOnly: boolean; noCopy: boolean } {
  const parts = spec.split(':');
  if (parts.length < 1 || parts.length > 3) throw new InvalidArgumentError(`invalid volume specification: '${spec}'`);
  const [source, destination, mode = 'rw'] = (parts.length === 1 ? ['', parts[0]!] : parts) as [string, string, string?];
  if (!destination.startsWith('/')) throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "bind": invalid mount path: '${destination}' mount path must be absolute`);
  if (destination.replace(/\/+$/, '') === '') throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config: destination can't be '/'`);
  const kind = source.startsWith('/') ? 'bind' : 'volume';
  const modes = mode.split(',');
  // Docker's rule: each option belongs to one group (consistency ones are accepted and mean
  // nothing on Linux, z/Z nothing without SELinux), and a group may be named once.
  const seen = new Set<string>();
  for (const m of modes) {
    const group = Object.entries(BIND_MODE_GROUPS).find(([, opts]) => opts.includes(m))?.[0];
    if (!group || seen.has(group)) throw new InvalidArgumentError(`invalid mode: ${mode}`);
    seen.add(group);
  }
  if (kind === 'volume' && seen.has('propagation')) {
    throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "volume": field BindOptions must not be specified`);
  }
  if (kind === 'bind' && seen.has('copy')) {
    throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "bind": field VolumeOptions must not be specified`);
  }
  return { kind, source, destination, readOnly: modes.includes('ro'), noCopy: modes.includes('nocopy') };
}
