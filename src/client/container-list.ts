import type { ContainerSummary } from '../api/container.js';
import type { EngineClient } from './transport.js';

/** Options of {@link containerList}. */
export interface ContainerListOptions {
  all?: boolean;
  limit?: number;
  size?: boolean;
  /** Filter name → values, sent as the `filters` JSON query parameter. */
  filters?: Record<string, string[]>;
}

/** Lists containers (`GET /containers/json`). */
export function containerList(client: EngineClient, options: ContainerListOptions = {}): Promise<ContainerSummary[]> {
  return client.json<ContainerSummary[]>({
    method: 'GET',
    path: '/containers/json',
    query: {
      all: options.all || undefined,
      limit: options.limit !== undefined && options.limit > 0 ? options.limit : undefined,
      size: options.size || undefined,
      filters: encodeFilters(options.filters),
    },
  });
}

/** Encodes filters as the Engine API expects them: `{"name": {"value": true}}`, or nothing when empty. */
export function encodeFilters(filters: Record<string, string[]> | undefined): string | undefined {
  if (!filters || Object.keys(filters).length === 0) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const [key, values] of Object.entries(filters)) {
    out[key] = Object.fromEntries(values.map((v) => [v, true]));
  }
  return JSON.stringify(out);
}
