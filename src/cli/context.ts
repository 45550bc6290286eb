import type { Readable, Writable } from 'node:stream';
import type { EngineClient } from '../client/transport.js';
import type { ConfigFile } from './client-config.js';

/** Global options parsed before the command name. */
export interface GlobalOptions {
  /** Every `-H` given (docker refuses more than one). */
  hosts: string[];
  /** `--context`, when given. */
  context?: string;
  /** The context in use, once the daemon has been chosen (`default` without contexts). */
  contextName?: string;
  debug: boolean;
  logLevel?: string;
  config?: string;
}

/** The standard streams and environment a command runs with, injected so tests can capture them. */
export interface CliIO {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/** What a command receives: IO, global options, and a lazily made client. */
export interface CliContext extends CliIO {
  /** Program name used in messages (`berth`). */
  prog: string;
  globals: GlobalOptions;
  /** The Engine API client, created on first use. */
  client(): EngineClient;
  /** The client config file (config.json), read on first use. */
  configFile(): ConfigFile;
  /** Writes to stdout. */
  out(text: string): void;
  /** Writes to stderr. */
  err(text: string): void;
}
