/** What the system routes need. */
export interface SystemBackend {
  systemVersion(): unknown;
  systemInfo(): Promise<unknown>;
  /** `GET /system/df`: images, containers (with sizes), volumes and build cache. */
  systemDataUsage(): Promise<unknown>;
  /** Calls `fn` for past events since `since` (seconds) and new ones; returns an unsubscribe. */
  subscribeEvents(fn: (e: { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> }; time: number }) => void, since?: number): () => void;
}
