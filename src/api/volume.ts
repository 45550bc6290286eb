/**
 * Engine API v1.50 volume wire types, with Docker's exact JSON field names.
 */

/** Answer of `POST /volumes/prune`. */
export interface VolumePruneResponse {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
}
