/**
 * Engine API v1.50 volume wire types, with Docker's exact JSON field names.
 */

export interface VolumeUsageData {
  Size: number;
  RefCount: number;
}

/** One volume as `GET /volumes/{name}` answers. */
export interface Volume {
  CreatedAt?: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local' | 'global';
  UsageData?: VolumeUsageData;
}

/** Body of `POST /volumes/create`. */
export interface VolumeCreateOptions {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

/** Answer of `GET /volumes`. */
export interface VolumeListResponse {
  Volumes: Volume[];
  Warnings: string[] | null;
}

/** Answer of `POST /volumes/prune`. */
export interface VolumePruneResponse {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
}
