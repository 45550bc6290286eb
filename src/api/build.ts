/**
 * Engine API v1.50 build wire types, with Docker's exact JSON field names.
 */

/** Answer of `POST /build/prune`. */
export interface BuildCachePruneResponse {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}
