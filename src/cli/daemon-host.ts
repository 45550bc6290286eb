import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HOST } from '../client/endpoint.js';
import type { ConfigFile } from './config-file.js';

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
export function chooseDaemon(c: HostChoice): { context: string; host: string } {
  if (c.hosts.length > 1) throw new InitError('Failed to initialize: unable to resolve docker endpoint: Specify only one -H');
  if (c.context !== undefined && c.hosts.length) throw new InitError('conflicting options: cannot specify both --host and --context');
  const envHost = c.env['BERTH_HOST'] || c.env['DOCKER_HOST'];
  const context = c.context || (c.hosts.length || envHost ? 'default' : c.env['DOCKER_CONTEXT'] || c.config().currentContext || 'default');
  if (context === 'default') return { context, host: c.hosts[0] || envHost || DEFAULT_HOST };
  return { context, host: contextHost(c.configDir, context) };
}

/** The docker endpoint of a context in docker's store: `contexts/meta/<sha256 of name>/meta.json`. */
function contextHost(configDir: string, name: string): string {
  const unknown = new InitError(`Failed to initialize: unable to resolve docker endpoint: context "${name}" does not exist`);
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
