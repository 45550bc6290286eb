import type { EventMessage } from '../../../api/event.js';
import type { SystemDataUsageResponse, SystemInfo, SystemVersion } from '../../../api/system.js';

/** What the system routes need, in wire types. */
export interface SystemBackend {
  systemVersion(): SystemVersion;
  /** `apiVersion` is the request's, for the fields that differ between versions. */
  systemInfo(apiVersion: string): Promise<SystemInfo>;
  /** `GET /system/df`: images, containers (with sizes), volumes and build cache. */
  systemDataUsage(apiVersion: string): Promise<SystemDataUsageResponse>;
  /** Calls `fn` for past events since `since` (unix seconds, fractional) and new ones; returns an unsubscribe. */
  subscribeEvents(fn: (e: EventMessage) => void, since?: number): () => void;
  /** The predicate for `/events?filters=`; throws InvalidArgumentError for a key Docker does not take. */
  eventFilter(filters: Map<string, string[]>): (e: EventMessage) => boolean;
}
