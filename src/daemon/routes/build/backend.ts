import type { Readable } from 'node:stream';
import type { BuildOptions } from '../../../api/build.js';

/** One message of the build's JSON stream. */
export type BuildStreamMessage = object;

/** A build whose context was received and whose Dockerfile was read. */
export interface PreparedImageBuild {
  /** Runs it, sending progress; resolves to the image id. */
  run(send: (m: BuildStreamMessage) => void): Promise<string>;
}

/** What the build routes need from the builder. */
export interface BuildRouteBackend {
  /** Receives the context and reads the Dockerfile; errors here get a status of their own. */
  imageBuild(context: Readable, req: BuildOptions): Promise<PreparedImageBuild>;
  /** Clears the build cache. */
  buildPrune(opts: { all: boolean }): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>;
}
