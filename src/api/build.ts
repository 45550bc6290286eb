/**
 * Engine API v1.50 build types: wire types with Docker's exact JSON field names, and the build
 * request both the daemon's route and the builder speak.
 */

/** Answer of `POST /build/prune`. */
export interface BuildCachePruneResponse {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}

/**
 * A build as the API asks for it: the query parameters of `POST /build`, as the daemon's route
 * reads them and the builder takes them.
 */
export interface BuildOptions {
  /** "name[:tag]" to point at the result. */
  tags: string[];
  /** The Dockerfile's path inside the context. */
  dockerfile: string;
  /** `--build-arg`: null for a name given without a value. */
  buildArgs: Record<string, string | null>;
  target?: string;
  noCache: boolean;
  /** Pull base images even when present. */
  pull: boolean;
  /** Remove the containers of steps that succeeded (default true; failed steps' always go). */
  rm: boolean;
  quiet: boolean;
  /** Labels added to the result as a last LABEL step. */
  labels: Record<string, string>;
  networkMode: string;
  /** `X-Registry-Auth`-style credentials for pulling base images. */
  auth?: string;
  signal: AbortSignal;
}
