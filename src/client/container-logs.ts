import type { IncomingMessage } from 'node:http';
import type { EngineClient } from './transport.js';

/** Options of {@link containerLogs}. */
export interface ContainerLogsOptions {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Unix timestamp (seconds, fractional allowed) to start from. */
  since?: string;
  until?: string;
  timestamps?: boolean;
  /** Number of lines from the end, or `all`. */
  tail?: string;
  /** Include the extra attributes (labels, env) the log driver recorded. */
  details?: boolean;
  signal?: AbortSignal;
}

/**
 * Streams a container's logs (`GET /containers/{id}/logs`): stdcopy frames for a non-TTY
 * container, raw bytes for a TTY one.
 */
export function containerLogs(client: EngineClient, id: string, options: ContainerLogsOptions = {}): Promise<IncomingMessage> {
  return client.request({
    method: 'GET',
    path: `/containers/${encodeURIComponent(id)}/logs`,
    query: {
      follow: options.follow || undefined,
      stdout: options.stdout ?? true,
      stderr: options.stderr ?? true,
      since: options.since,
      until: options.until,
      timestamps: options.timestamps || undefined,
      tail: options.tail,
      details: options.details || undefined,
    },
    signal: options.signal,
  });
}
