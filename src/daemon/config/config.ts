import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { API_VERSION } from '../../api/version.js';
import { BERTH_VERSION } from '../../engine/system/api.js';
import { DEFAULT_POOLS, parsePoolSpec, type AddressPoolSpec } from '../../network/index.js';
import { parseCidr } from '../../network/ipam/cidr.js';
import { DEFAULT_PLUGIN_DIRS } from '../../volume/index.js';
import { normalizeMirror } from '../../image/distribution/index.js';

/** berthd's settings, from flags and the JSON config file (flags win). */
export interface DaemonConfig {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  defaultRuntime?: string;
  runtimes: Record<string, string>;
  configFile?: string;
  /** --bip: the default bridge's address and prefix ("10.63.0.1/16"); chosen at start when absent. */
  bip?: string;
  /** --fixed-cidr: the part of the default bridge's subnet containers get addresses from. */
  fixedCidr?: string;
  /** --default-address-pool, repeatable: where networks without --subnet get theirs. */
  defaultAddressPools: AddressPoolSpec[];
  /** --mtu of the default bridge (and of user networks without the mtu option). */
  mtu?: number;
  /** --net-tag: names berth's nft table (<tag>), default bridge (<tag>0) and namespaces (<tag>-<id12>). */
  netTag: string;
  /** --ip-forward: turn on the host's IPv4 forwarding at start (containers need it to reach out). */
  ipForward: boolean;
  /** --plugin-dir, repeatable: where volume plugins' sockets and spec files are looked up (replaces the defaults). */
  pluginDirs: string[];
  /** --insecure-registry, repeatable: registries (host[:port] or CIDR) spoken to in plain HTTP. */
  insecureRegistries: string[];
  /** --registry-mirror, repeatable: mirrors of Docker Hub tried in order for pulls (normalized with a trailing slash). */
  registryMirrors: string[];
}

export const DEFAULTS: DaemonConfig = {
  hosts: ['unix:///run/berth/berth.sock'],
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  pidfile: '/run/berth/berthd.pid',
  logLevel: 'info',
  runtimes: { runc: '/usr/bin/runc', crun: '/usr/bin/crun' },
  defaultAddressPools: [...DEFAULT_POOLS],
  netTag: 'berth',
  ipForward: true,
  pluginDirs: [...DEFAULT_PLUGIN_DIRS],
  insecureRegistries: [],
  registryMirrors: [],
};

const USAGE = `Usage:	berthd [OPTIONS]

A container engine that serves the Docker Engine API

Options:
      --bip string              Specify the default bridge's IP and prefix (default: 10.63.0.1/16, or a free /16 below)
      --config-file string      Daemon configuration file (default "/etc/berth/daemon.json")
      --default-address-pool pool-options
                                Default address pools for user networks (base=CIDR,size=N; default base=10.64.0.0/12,size=24)
      --data-root string        Root directory of persistent state (default "/var/lib/berth")
      --default-runtime string  Default OCI runtime for containers (default: the first that works)
      --exec-root string        Root directory for execution state files (default "/run/berth")
      --fixed-cidr string       IPv4 subnet for fixed IPs on the default bridge
  -H, --host list               Daemon socket(s) to connect to
      --insecure-registry list  Enable insecure registry communication (plain HTTP)
      --ip-forward              Enable IPv4 forwarding (default true)
  -l, --log-level string        Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
      --mtu int                 Set the default bridge's MTU (default 1500)
      --net-tag string          Name of berth's kernel objects: nft table, bridges <tag>0, namespaces (default "berth")
  -p, --pidfile string          Path to use for daemon PID file (default "/run/berth/berthd.pid")
      --registry-mirror list    Preferred Docker registry mirror
      --plugin-dir list         Directory to look up volume plugins in; repeatable, replaces the defaults
                                (default /run/docker/plugins, /etc/docker/plugins, /usr/lib/docker/plugins,
                                /run/berth/plugins, /etc/berth/plugins)
  -v, --version                 Print version information and quit
`;

/** Parses dockerd-style flags; returns `undefined` config for --help/--version with the text to print. */
export function parseDaemonArgs(argv: string[]): { config?: DaemonConfig; print?: string } {
  const flags: Partial<DaemonConfig> & { hosts?: string[] } = {};
  const pools: AddressPoolSpec[] = [];
  const pluginDirs: string[] = [];
  let configFile = '/etc/berth/daemon.json';
  let configFileGiven = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new InvalidArgumentError(`flag needs an argument: ${arg}`);
      return v;
    };
    switch (arg) {
      case '-h': case '--help': return { print: USAGE };
      case '-v': case '--version': return { print: `berthd version ${BERTH_VERSION}, API ${API_VERSION}\n` };
      case '-H': case '--host': (flags.hosts ??= []).push(next()); break;
      case '--data-root': case '-g': case '--graph': flags.dataRoot = next(); break;
      case '--exec-root': flags.execRoot = next(); break;
      case '-p': case '--pidfile': flags.pidfile = next(); break;
      case '-l': case '--log-level': flags.logLevel = next() as DaemonConfig['logLevel']; break;
      case '--default-runtime': flags.defaultRuntime = next(); break;
      case '--config-file': configFile = next(); configFileGiven = true; break;
      case '-D': case '--debug': flags.logLevel = 'debug'; break;
      case '--bip': flags.bip = next(); break;
      case '--fixed-cidr': flags.fixedCidr = next(); break;
      case '--default-address-pool': pools.push(parsePoolSpec(next())); break;
      case '--mtu': flags.mtu = parseMtu(next()); break;
      case '--net-tag': flags.netTag = next(); break;
      case '--plugin-dir': pluginDirs.push(parsePluginDir(next())); break;
      case '--insecure-registry': (flags.insecureRegistries ??= []).push(next()); break;
      case '--registry-mirror': (flags.registryMirrors ??= []).push(normalizeMirror(next())); break;
      // A boolean: "--ip-forward" alone is true; only "--ip-forward=false" turns it off.
      case '--ip-forward': flags.ipForward = parseBool(arg, value ?? 'true'); break;
      default: throw new InvalidArgumentError(`unknown flag: ${arg}\nSee 'berthd --help'.`);
    }
  }
  if (pools.length) flags.defaultAddressPools = pools;
  if (pluginDirs.length) flags.pluginDirs = pluginDirs;
  const file = readConfigFile(configFile, configFileGiven);
  // As dockerd: one setting in both places is an error, not a silent choice.
  if (flags.registryMirrors && file.registryMirrors) {
    throw new InvalidArgumentError(`unable to configure the daemon with file ${configFile}: the following directives are specified both as a flag and in the configuration file: registry-mirrors: (from flag: [${flags.registryMirrors.join(' ')}], from file: [${file.registryMirrors.join(' ')}])`);
  }
  const cfg: DaemonConfig = { ...DEFAULTS, ...file, ...flags, runtimes: { ...DEFAULTS.runtimes, ...(file.runtimes ?? {}) } };
  if (flags.execRoot && !flags.pidfile && !file.pidfile) cfg.pidfile = `${cfg.execRoot}/berthd.pid`;
  if (flags.execRoot && !flags.hosts && !file.hosts) cfg.hosts = [`unix://${cfg.execRoot}/berth.sock`];
  if (!['debug', 'info', 'warn', 'error', 'fatal'].includes(cfg.logLevel)) throw new InvalidArgumentError(`unable to parse logging level: ${cfg.logLevel}`);
  checkNetworkFlags(cfg);
  // Both sources add up, as in dockerd.
  if (flags.insecureRegistries && file.insecureRegistries) cfg.insecureRegistries = [...file.insecureRegistries, ...flags.insecureRegistries];
  if (cfg.defaultRuntime && !cfg.runtimes[cfg.defaultRuntime]) throw new InvalidArgumentError(`default runtime ${cfg.defaultRuntime} is not a configured runtime`);
  return { config: cfg };
}

function parseMtu(text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 68 || Number(text) > 65535) throw new InvalidArgumentError(`invalid MTU ${text}: it must be a number from 68 to 65535`);
  return Number(text);
}

function parsePluginDir(dir: string): string {
  if (!dir.startsWith('/')) throw new InvalidArgumentError(`invalid --plugin-dir ${JSON.stringify(dir)}: it must be an absolute path`);
  return dir;
}

function parseBool(flag: string, text: string): boolean {
  if (['true', '1', 't'].includes(text.toLowerCase())) return true;
  if (['false', '0', 'f'].includes(text.toLowerCase())) return false;
  throw new InvalidArgumentError(`invalid boolean value "${text}" for ${flag}`);
}

/** The network flags' own consistency: a tag kernel names can carry, a bridge address inside its subnet. */
function checkNetworkFlags(cfg: DaemonConfig): void {
  // Interface names are at most 15 characters: <tag>v plus 8 hex digits must fit.
  if (!/^[A-Za-z0-9]{1,6}$/.test(cfg.netTag)) throw new InvalidArgumentError(`invalid --net-tag "${cfg.netTag}": use 1 to 6 letters or digits`);
  let bip: ReturnType<typeof parseCidr>;
  if (cfg.bip !== undefined) {
    bip = parseCidr(cfg.bip);
    if (!bip || bip.family !== 4 || bip.prefixLen > 30) throw new InvalidArgumentError(`invalid --bip ${cfg.bip}: it must be an IPv4 address with a prefix length, like 10.63.0.1/16`);
    if (bip.address === bip.network) throw new InvalidArgumentError(`invalid --bip ${cfg.bip}: the bridge's own address must not be the network address`);
  }
  if (cfg.fixedCidr !== undefined) {
    const f = parseCidr(cfg.fixedCidr);
    if (!f || f.family !== 4) throw new InvalidArgumentError(`invalid --fixed-cidr ${cfg.fixedCidr}`);
    if (bip && (f.prefixLen < bip.prefixLen || (f.network & ~((1n << BigInt(32 - bip.prefixLen)) - 1n)) !== bip.network)) {
      throw new InvalidArgumentError(`invalid --fixed-cidr ${cfg.fixedCidr}: it must lie inside --bip ${cfg.bip}`);
    }
  }
}

function readConfigFile(path: string, required: boolean): Partial<DaemonConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (required) throw new InvalidArgumentError(`unable to read config file ${path}: ${(err as Error).message}`);
    return {};
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidArgumentError(`unable to configure the daemon with file ${path}: ${(err as Error).message}`);
  }
  const out: Partial<DaemonConfig> = {};
  const known = new Set(['hosts', 'data-root', 'exec-root', 'pidfile', 'log-level', 'default-runtime', 'runtimes', 'debug',
    'bip', 'fixed-cidr', 'default-address-pools', 'mtu', 'net-tag', 'ip-forward', 'insecure-registries', 'registry-mirrors']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new InvalidArgumentError(`the following directives don't match any configuration option: ${k}`);
  if (raw.hosts) out.hosts = raw.hosts as string[];
  if (raw['data-root']) out.dataRoot = String(raw['data-root']);
  if (raw['exec-root']) out.execRoot = String(raw['exec-root']);
  if (raw.pidfile) out.pidfile = String(raw.pidfile);
  if (raw['log-level']) out.logLevel = raw['log-level'] as DaemonConfig['logLevel'];
  if (raw.debug === true) out.logLevel = 'debug';
  if (raw['default-runtime']) out.defaultRuntime = String(raw['default-runtime']);
  if (raw.bip !== undefined) out.bip = String(raw.bip);
  if (raw['fixed-cidr'] !== undefined) out.fixedCidr = String(raw['fixed-cidr']);
  if (raw.mtu !== undefined) out.mtu = parseMtu(String(raw.mtu));
  if (raw['net-tag'] !== undefined) out.netTag = String(raw['net-tag']);
  if (raw['ip-forward'] !== undefined) out.ipForward = raw['ip-forward'] !== false;
  if (raw['insecure-registries'] !== undefined) {
    if (!Array.isArray(raw['insecure-registries'])) throw new InvalidArgumentError('insecure-registries must be a list of registries');
    out.insecureRegistries = (raw['insecure-registries'] as unknown[]).map(String);
  }
  if (raw['registry-mirrors'] !== undefined) {
    if (!Array.isArray(raw['registry-mirrors'])) throw new InvalidArgumentError('registry-mirrors must be a list of URLs');
    out.registryMirrors = (raw['registry-mirrors'] as unknown[]).map((m) => normalizeMirror(String(m)));
  }
  if (Array.isArray(raw['default-address-pools'])) {
    out.defaultAddressPools = (raw['default-address-pools'] as { base?: unknown; size?: unknown }[]).map((p) => parsePoolSpec(`base=${String(p.base)},size=${String(p.size)}`));
  }
  if (raw.runtimes) {
    out.runtimes = {};
    for (const [name, v] of Object.entries(raw.runtimes as Record<string, { path?: string }>)) out.runtimes[name] = v.path ?? name;
  }
  return out;
}
