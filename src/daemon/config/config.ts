import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { API_VERSION } from '../../api/version.js';
import { BERTH_VERSION } from '../../engine/system/api.js';

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
}

export const DEFAULTS: DaemonConfig = {
  hosts: ['unix:///run/berth/berth.sock'],
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  pidfile: '/run/berth/berthd.pid',
  logLevel: 'info',
  runtimes: { runc: '/usr/bin/runc', crun: '/usr/bin/crun' },
};

const USAGE = `Usage:	berthd [OPTIONS]

A container engine that serves the Docker Engine API

Options:
      --config-file string      Daemon configuration file (default "/etc/berth/daemon.json")
      --data-root string        Root directory of persistent state (default "/var/lib/berth")
      --default-runtime string  Default OCI runtime for containers (default: the first that works)
      --exec-root string        Root directory for execution state files (default "/run/berth")
  -H, --host list               Daemon socket(s) to connect to
  -l, --log-level string        Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
  -p, --pidfile string          Path to use for daemon PID file (default "/run/berth/berthd.pid")
  -v, --version                 Print version information and quit
`;

/** Parses dockerd-style flags; returns `undefined` config for --help/--version with the text to print. */
export function parseDaemonArgs(argv: string[]): { config?: DaemonConfig; print?: string } {
  const flags: Partial<DaemonConfig> & { hosts?: string[] } = {};
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
      default: throw new InvalidArgumentError(`unknown flag: ${arg}\nSee 'berthd --help'.`);
    }
  }
  const file = readConfigFile(configFile, configFileGiven);
  const cfg: DaemonConfig = { ...DEFAULTS, ...file, ...flags, runtimes: { ...DEFAULTS.runtimes, ...(file.runtimes ?? {}) } };
  if (flags.execRoot && !flags.pidfile && !file.pidfile) cfg.pidfile = `${cfg.execRoot}/berthd.pid`;
  if (flags.execRoot && !flags.hosts && !file.hosts) cfg.hosts = [`unix://${cfg.execRoot}/berth.sock`];
  if (!['debug', 'info', 'warn', 'error', 'fatal'].includes(cfg.logLevel)) throw new InvalidArgumentError(`unable to parse logging level: ${cfg.logLevel}`);
  if (cfg.defaultRuntime && !cfg.runtimes[cfg.defaultRuntime]) throw new InvalidArgumentError(`default runtime ${cfg.defaultRuntime} is not a configured runtime`);
  return { config: cfg };
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
  const known = new Set(['hosts', 'data-root', 'exec-root', 'pidfile', 'log-level', 'default-runtime', 'runtimes', 'debug']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new InvalidArgumentError(`the following directives don't match any configuration option: ${k}`);
  if (raw.hosts) out.hosts = raw.hosts as string[];
  if (raw['data-root']) out.dataRoot = String(raw['data-root']);
  if (raw['exec-root']) out.execRoot = String(raw['exec-root']);
  if (raw.pidfile) out.pidfile = String(raw.pidfile);
  if (raw['log-level']) out.logLevel = raw['log-level'] as DaemonConfig['logLevel'];
  if (raw.debug === true) out.logLevel = 'debug';
  if (raw['default-runtime']) out.defaultRuntime = String(raw['default-runtime']);
  if (raw.runtimes) {
    out.runtimes = {};
    for (const [name, v] of Object.entries(raw.runtimes as Record<string, { path?: string }>)) out.runtimes[name] = v.path ?? name;
  }
  return out;
}
