import type { EventMessage } from '../../api/event.js';
import type { ContainerRecord } from '../container/model.js';

/** Receives what happens to objects, for `GET /events`. */
export interface EventSink {
  container(rec: ContainerRecord, action: string, attributes?: Record<string, string>): void;
  image(id: string, action: string, attributes?: Record<string, string>): void;
  /** An event of any type by its actor (a prune has an empty ID; networks and volumes later). */
  object(type: EventMessage['Type'], action: string, actor: { ID: string; Attributes?: Record<string, string> }): void;
}
