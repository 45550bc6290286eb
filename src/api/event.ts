/**
 * Engine API v1.50 event wire types (`GET /events`), with Docker's exact JSON field names.
 */

/** The object an event is about (Engine API `EventActor`). */
export interface EventActor {
  ID: string;
  /** Labels of the object and facts about the event (name, image, exitCode, signal…). */
  Attributes: Record<string, string>;
}

/** One line of the `GET /events` stream (Engine API `EventMessage`). */
export interface EventMessage {
  Type: 'builder' | 'config' | 'container' | 'daemon' | 'image' | 'network' | 'node' | 'plugin' | 'secret' | 'service' | 'volume';
  Action: string;
  Actor: EventActor;
  scope: 'local' | 'swarm';
  /** Unix seconds. */
  time: number;
  /** Unix nanoseconds. */
  timeNano: number;
  // Deprecated fields that the docker CLI still reads for containers and images.
  status?: string;
  id?: string;
  from?: string;
}
