/**
 * The client's configuration as the docker CLI reads it: the config directory, its
 * config.json, and the context store that decides which daemon a command talks to. One module
 * because every command needs all of it before it starts, and each module costs start time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HOST } from '../client/endpoint.js';

/** The parts of the docker CLI's config.json that berth honours. */
export interface ConfigFile {
  /** Default `--format` of `ps`. */
  psFormat?: string;
  /** Default `--format` of `images`. */
  imagesFormat?: string;
  /** Default `--format` of `stats`. */
  statsFormat?: string;
  /** Default `--detach-keys` of run, start, attach and exec. */
  detachKeys?: string;
  /** The context used when neither a flag nor the environment names one. */
  currentContext?: string;
}

/** The client config directory as docker picks it: `--config`, then DOCKER_CONFIG, then ~/.docker. */
export async function configDir(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (flag || env['DOCKER_CONFIG']) return (flag || env['DOCKER_CONFIG'])!;
  // node:os costs a millisecond of every start; HOME is nearly always set
  const home = env['HOME'] || (await import('node:os')).homedir();
  return join(home, '.docker');
}

/**
 * Reads `<dir>/config.json`. A missing file is an empty config; one that does not parse is
 * reported through `warn` with docker's wording and then ignored, as docker does.
 */
export function loadConfigFile(dir: string, warn: (line: string) => void): ConfigFile {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`WARNING: Error loading config file: ${path}: ${(err as Error).message}`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = text.trim() ? JSON.parse(text) : {};
  } catch (err) {
    warn(`WARNING: Error parsing config file (${path}): ${(err as Error).message}`);
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const raw = parsed as Record<string, unknown>;
  const config: ConfigFile = {};
  for (const key of ['psFormat', 'imagesFormat', 'statsFormat', 'detachKeys', 'currentContext'] as const) {
    const v = raw[key];
    if (typeof v === 'string' && v !== '') config[key] = v;
  }
  return config;
}

/** A global-option combination the CLI refuses before running any command (docker exits 1). */
export class InitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitError';
  }
}

/** What decides which daemon a command talks to. */
export interface HostChoice {
  /** Every `-H` given. */
  hosts: string[];
  /** `--context`, if given. */
  context?: string;
  env: NodeJS.ProcessEnv;
  /** The client config directory (contexts live under it). */
  configDir: string;
  /** The config file, read only when the choice needs its current context. */
  config: () => ConfigFile;
}

/**
 * Picks the context and the daemon address the way the docker CLI does: `--context` (refused
 * together with `-H`), else `-H`, BERTH_HOST or DOCKER_HOST (the default context), else
 * DOCKER_CONTEXT, else the config's current context. A context other than `default` must exist in
 * the config directory's context store, so that a script's `--context prod rm -f …` never acts
 * on another machine.
 * @throws {InitError} for two -H flags, --context with -H, and unknown contexts.
 */
export async function chooseDaemon(c: HostChoice): Promise<{ context: string; host: string }> {
  if (c.hosts.length > 1) throw new InitError('Failed to initialize: unable to resolve docker endpoint: Specify only one -H');
  if (c.context !== undefined && c.hosts.length) throw new InitError('conflicting options: cannot specify both --host and --context');
  const envHost = c.env['BERTH_HOST'] || c.env['DOCKER_HOST'];
  const context = c.context || (c.hosts.length || envHost ? 'default' : c.env['DOCKER_CONTEXT'] || c.config().currentContext || 'default');
  if (context === 'default') return { context, host: c.hosts[0] || envHost || DEFAULT_HOST };
  return { context, host: await contextHost(c.configDir, context) };
}

/** The docker endpoint of a context in docker's store: `contexts/meta/<sha256 of name>/meta.json`. */
async function contextHost(configDir: string, name: string): Promise<string> {
  const unknown = new InitError(`Failed to initialize: unable to resolve docker endpoint: context "${name}" does not exist`);
  // loaded here: node:crypto costs milliseconds of a start, and most commands use no context
  const { createHash } = await import('node:crypto');
  const digest = createHash('sha256').update(name).digest('hex');
  let meta: unknown;
  try {
    meta = JSON.parse(readFileSync(join(configDir, 'contexts', 'meta', digest, 'meta.json'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw unknown;
    throw new InitError(`Failed to initialize: unable to resolve docker endpoint: context "${name}": ${(err as Error).message}`);
  }
  const host = (meta as { Endpoints?: { docker?: { Host?: unknown } } })?.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || !host) {
    throw new InitError(`Failed to initialize: unable to resolve docker endpoint: context "${name}" has no docker endpoint`);
  }
  return host;
}
