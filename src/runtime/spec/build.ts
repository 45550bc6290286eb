import { existsSync } from 'node:fs';
import { release } from 'node:os';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { hostBoundingCapabilities } from '../../sys/capabilities.js';
import { hostRlimits } from '../../sys/rlimits.js';
import type { SpecInput } from '../types.js';
import { containerCapabilities } from './capabilities.js';
import {
  DEFAULT_MASKED_PATHS, DEFAULT_NOFILE, DEFAULT_PATH, DEFAULT_READONLY_PATHS, DEFAULT_SHM_SIZE,
  defaultDeviceRules, defaultMounts,
} from './defaults.js';
import { parseDeviceCgroupRule } from './device-rules.js';
import { resourcesOf } from './resources.js';
import { seccompFor } from './seccomp.js';
import { kernelRunsX32 } from './kernel-abis.js';
import { listHostDevices } from '../../sys/devices.js';
import type { OciDevice, OciMount, OciNamespace, OciRlimit, OciRuntimeSpec } from './types.js';
import { checkWorkingDir } from './working-dir.js';
import { resolveUser, type ResolvedUser } from './user.js';

/** Facts about the host that shape a spec; defaults are read from this process. */
export interface SpecHostFacts {
  /** Capabilities the host can grant (privileged and "ALL"). */
  capabilities: readonly string[];
  /** Hard RLIMIT_NOFILE of the process that runs the runtime; Infinity when unlimited. */
  nofileHard: number;
  /** Whether the kernel has cgroup namespaces. */
  cgroupNamespace: boolean;
  /** Host device nodes for privileged containers; listed from /dev when absent. */
  hostDevices?: OciDevice[];
  /** Node's name for the CPU architecture and the kernel release, for the seccomp filter; this host's when absent. */
  arch?: string;
  kernelRelease?: string;
  /** Whether the kernel runs x32 binaries; the seccomp filter covers that ABI unless this is false. */
  x32Abi?: boolean;
}

/** Reads the host facts from /proc (cheap; cache the result if called in a loop). */
export function readHostFacts(): SpecHostFacts {
  return {
    capabilities: hostBoundingCapabilities(),
    nofileHard: hostRlimits().get('RLIMIT_NOFILE')?.hard ?? DEFAULT_NOFILE,
    cgroupNamespace: existsSync('/proc/self/ns/cgroup'),
    arch: process.arch,
    kernelRelease: release(),
    x32Abi: kernelRunsX32(),
  };
}

const RLIMIT_NAMES = new Set([
  'cpu', 'fsize', 'data', 'stack', 'core', 'rss', 'nproc', 'nofile', 'memlock', 'as', 'locks',
  'sigpending', 'msgqueue', 'nice', 'rtprio', 'rttime',
]);

/**
 * Rlimits for the process. RLIMIT_NOFILE defaults to Docker's 1048576 but never above the host's
 * hard limit: without CAP_SYS_RESOURCE the runtime cannot raise it and the start would fail.
 */
function rlimitsOf(input: SpecInput, facts: SpecHostFacts): OciRlimit[] {
  const clampNofile = (n: number): number => Math.min(n, facts.nofileHard);
  const byType = new Map<string, OciRlimit>();
  const nofile = clampNofile(DEFAULT_NOFILE);
  byType.set('RLIMIT_NOFILE', { type: 'RLIMIT_NOFILE', soft: nofile, hard: nofile });
  for (const u of input.ulimits ?? []) {
    const name = u.Name.toLowerCase();
    if (!RLIMIT_NAMES.has(name)) throw new InvalidArgumentError(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard) throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    const type = `RLIMIT_${name.toUpperCase()}`;
    const r = type === 'RLIMIT_NOFILE'
      ? { type, soft: clampNofile(u.Soft), hard: clampNofile(u.Hard) }
      : { type, soft: u.Soft, hard: u.Hard };
    byType.set(type, r);
  }
  return [...byType.values()];
}

/** Docker's environment order: HOSTNAME and TERM first, then the container's, then fill-ins. */
function envOf(input: SpecInput, user: ResolvedUser): string[] {
  const env = [`HOSTNAME=${input.hostname}`];
  if (input.tty) env.push('TERM=xterm');
  const has = (key: string): boolean => env.some((e) => e.startsWith(`${key}=`));
  for (const e of input.env) {
    const key = e.split('=', 1)[0]!;
    const i = env.findIndex((x) => x.startsWith(`${key}=`));
    if (i >= 0) env[i] = e; else env.push(e);
  }
  if (!has('PATH')) env.unshift(`PATH=${DEFAULT_PATH}`);
  if (!has('HOME')) env.push(`HOME=${user.home || '/'}`);
  return env;
}

function namespacesOf(input: SpecInput, facts: SpecHostFacts): OciNamespace[] {
  const modes = input.namespaceModes ?? {};
  const ns: OciNamespace[] = [];
  // A namespace left out of the list is the host's; a path joins another container's.
  const add = (type: 'pid' | 'ipc' | 'uts' | 'cgroup'): void => {
    const mode = modes[type] ?? 'private';
    if (mode === 'host') return;
    ns.push(mode === 'private' ? { type } : { type, path: mode.path });
  };
  add('pid');
  add('ipc');
  add('uts');
  ns.push({ type: 'mount' });
  // A sandbox's namespace is joined by path; a fresh one without a path gets its loopback up
  // from runc and crun themselves.
  if (input.networkMode !== 'host') ns.push(input.netnsPath ? { type: 'network', path: input.netnsPath } : { type: 'network' });
  if (facts.cgroupNamespace) add('cgroup');
  return ns;
}

/** Where `--init` puts the init binary, as Docker does. */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';

/** Mounts that follow from the options rather than from `-v`: the init binary, the host's /dev/shm. */
function optionMountsOf(input: SpecInput): OciMount[] {
  const mounts: OciMount[] = [];
  if (input.initPath) mounts.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: input.initPath, options: ['rbind', 'ro', 'nosuid', 'nodev', 'rprivate'] });
  // With the host's IPC namespace, POSIX shared memory must be the host's too.
  if (input.namespaceModes?.ipc === 'host') mounts.push({ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  return mounts;
}

function userMountsOf(input: SpecInput): OciMount[] {
  const mounts: OciMount[] = [];
  const etc = input.etcFiles ?? {};
  const etcBind = (destination: string, source: string | undefined): void => {
    if (source) mounts.push({ destination, type: 'bind', source, options: ['rbind', 'rprivate'] });
  };
  etcBind('/etc/resolv.conf', etc.resolvConf);
  etcBind('/etc/hostname', etc.hostname);
  etcBind('/etc/hosts', etc.hosts);
  for (const m of input.mounts ?? []) {
    if (!m.destination.startsWith('/')) throw new InvalidArgumentError(`invalid mount destination: ${m.destination}: must be absolute`);
    if (m.type === 'tmpfs') {
      mounts.push({ destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...m.options] });
    } else {
      const opts = m.options.some((o) => o === 'bind' || o === 'rbind') ? m.options : ['rbind', ...m.options];
      mounts.push({ destination: m.destination, type: 'bind', source: m.source, options: opts });
    }
  }
  // Parents before children, as Docker orders them: a volume on /etc must not hide the
  // /etc/hosts bind, nor `-v a:/x` one given after `-v b:/x/y`. The sort is stable.
  return mounts.sort((a, b) => depth(a.destination) - depth(b.destination));
}

function depth(path: string): number {
  return path.split('/').filter((p) => p !== '' && p !== '.').length;
}

/** Drops default mounts that a user mount replaces (e.g. `--tmpfs /dev/shm`). */
function mergeMounts(defaults: OciMount[], user: OciMount[]): OciMount[] {
  const taken = new Set(user.map((m) => m.destination.replace(/\/+$/, '') || '/'));
  return [...defaults.filter((m) => !taken.has(m.destination)), ...user];
}

/**
 * Builds the OCI runtime config.json for a container with Docker's defaults: the 14 default
 * capabilities (none inheritable), masked and read-only /proc and /sys paths, a deny-all device
 * cgroup with the harmless devices allowed, fresh namespaces, and the user resolved from the
 * image's passwd/group files, and berth's seccomp filter unless privileged or unconfined.
 */
export function buildSpec(input: SpecInput, facts: SpecHostFacts = readHostFacts(), user?: ResolvedUser): OciRuntimeSpec {
  const resolved = user ?? resolveUser(input.rootfs, input.user, input.groupAdd);
  const privileged = input.privileged === true;
  const caps = containerCapabilities({ privileged, capAdd: input.capAdd, capDrop: input.capDrop, available: facts.capabilities });
  const devices = privileged
    ? [{ allow: true, access: 'rwm' }]
    : [
      ...defaultDeviceRules(),
      ...(input.devices ?? []).map((d) => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.permissions })),
      ...(input.deviceCgroupRules ?? []).map(parseDeviceCgroupRule),
    ];
  const utsHost = input.namespaceModes?.uts === 'host';
  const cwd = checkWorkingDir(input.rootfs, input.cwd || '/');
  const shmSize = input.shmSize && input.shmSize > 0 ? input.shmSize : DEFAULT_SHM_SIZE;
  const spec: OciRuntimeSpec = {
    ociVersion: '1.0.2',
    process: {
      terminal: input.tty,
      user: { uid: resolved.uid, gid: resolved.gid, additionalGids: resolved.additionalGids },
      args: input.initPath ? [INIT_PATH_IN_CONTAINER, '--', ...input.args] : input.args,
      env: envOf(input, resolved),
      cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      rlimits: rlimitsOf(input, facts),
      noNewPrivileges: input.noNewPrivileges === true,
      oomScoreAdj: input.oomScoreAdj ?? 0,
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs === true },
    mounts: mergeMounts(defaultMounts({ privileged, shmSize }), [...optionMountsOf(input), ...userMountsOf(input)]),
    annotations: { ...(input.annotations ?? {}) },
    linux: {
      namespaces: namespacesOf(input, facts),
      cgroupsPath: input.cgroupsPath,
      resources: { devices, ...resourcesOf(input) },
      sysctl: { ...(input.sysctls ?? {}) },
      maskedPaths: privileged ? [] : [...DEFAULT_MASKED_PATHS],
      readonlyPaths: privileged ? [] : [...DEFAULT_READONLY_PATHS],
    },
  };
  // The runtime refuses a hostname without a UTS namespace of the container's own.
  if (!utsHost) spec.hostname = input.hostname;
  if (input.domainname && !utsHost) spec.domainname = input.domainname;
  if (input.oomKillDisable) spec.linux.resources = { ...spec.linux.resources, memory: { ...spec.linux.resources?.memory, disableOOMKiller: true } };
  const deviceNodes = (input.devices ?? []).map((d) => ({ type: d.type, path: d.path, major: d.major, minor: d.minor, fileMode: d.fileMode, uid: d.uid, gid: d.gid }));
  if (deviceNodes.length > 0 && !privileged) spec.linux.devices = deviceNodes;
  const propagation = rootfsPropagationFor(spec.mounts);
  if (propagation) spec.linux.rootfsPropagation = propagation;
  if (privileged) spec.linux.devices = facts.hostDevices ?? listHostDevices();
  if (!privileged) {
    const seccomp = seccompFor(input.seccomp ?? 'default', { capabilities: caps, arch: facts.arch ?? process.arch, kernel: facts.kernelRelease ?? release(), x32: facts.x32Abi });
    if (seccomp) spec.linux.seccomp = seccomp;
  }
  if (input.tty && input.consoleSize && input.consoleSize.height > 0 && input.consoleSize.width > 0) {
    spec.process.consoleSize = { height: input.consoleSize.height, width: input.consoleSize.width };
  }
  if (!args0(input)) throw new InvalidArgumentError('no command specified');
  return spec;
}

/**
 * A bind mount can only be shared or slave if the rootfs mount is too; otherwise leave the
 * runtime's default (rslave), as Docker does.
 */
function rootfsPropagationFor(mounts: OciMount[]): string | undefined {
  const opts = new Set(mounts.flatMap((m) => m.options ?? []));
  if (opts.has('shared') || opts.has('rshared')) return 'shared';
  if (opts.has('slave') || opts.has('rslave')) return 'rslave';
  return undefined;
}

function args0(input: SpecInput): string | undefined {
  return input.args.length > 0 && input.args[0] !== '' ? input.args[0] : undefined;
}
