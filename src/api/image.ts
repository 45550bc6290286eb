/**
 * Engine API v1.50 image wire types, with Docker's exact JSON field names.
 */

/** One entry of `GET /images/json`. */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

/** Answer of `GET /images/{name}/json` (fields berth reads; the rest pass through). */
export interface ImageInspect {
  Id: string;
  RepoTags?: string[];
  RepoDigests?: string[];
  Parent?: string;
  Comment?: string;
  Created?: string;
  /** Deprecated: only sent when set. */
  DockerVersion?: string;
  Author?: string;
  Config?: Record<string, unknown>;
  Architecture?: string;
  Variant?: string;
  Os?: string;
  Size?: number;
  /** Removed in API 1.44; older clients still get it (equal to Size). */
  VirtualSize?: number;
  /** Removed in API 1.45; older clients (docker-compose 1.x) read both on every recreate. */
  Container?: string;
  ContainerConfig?: Record<string, unknown>;
  GraphDriver?: { Name: string; Data: Record<string, string> | null };
  RootFS?: { Type: string; Layers?: string[] };
  Metadata?: { LastTagTime?: string };
  [key: string]: unknown;
}

/** One entry of `GET /images/{name}/history`. */
export interface HistoryResponseItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** One entry of `DELETE /images/{name}`. */
export interface ImageDeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}

/** Answer of `POST /images/prune`. */
export interface ImagePruneResponse {
  ImagesDeleted: ImageDeleteResponseItem[] | null;
  SpaceReclaimed: number;
}

/** One JSON line of the `POST /images/create` progress stream. */
export interface CreateImageProgress {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** One item of `GET /images/search` (ImageSearchResponseItem), fields in dockerd's order. */
export interface ImageSearchResponseItem {
  star_count: number;
  is_official: boolean;
  name: string;
  /** Deprecated: always false. */
  is_automated: boolean;
  description: string;
}
