import type { ContainerRecord } from '../container/model.js';

/** Receives what happens to objects, for `GET /events`. */
export interface EventSink {
  container(rec: ContainerRecord, action: string, attributes?: Record<string, string>): void;
  image(id: string, action: string, attributes?: Record<string, string>): void;
}
