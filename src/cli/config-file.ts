import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The parts of the docker CLI's config.json that berth honours. */
export interface ConfigFile {
  /** Default `--format` of `ps`. */
  psFormat?: string;
  /** Default `--format` of `images`. */
  imagesFormat?: string;
  /** Default `--detach-keys` of run, start, attach and exec. */
  detachKeys?: string;
  /** The context used when neither a flag nor the environment names one. */
  currentContext?: string;
}

/** The client config directory as docker picks it: `--config`, then DOCKER_CONFIG, then ~/.docker. */
export function configDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker');
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
  for (const key of ['psFormat', 'imagesFormat', 'detachKeys', 'currentContext'] as const) {
    const v = raw[key];
    if (typeof v === 'string' && v !== '') config[key] = v;
  }
  return config;
}
