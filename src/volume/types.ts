/*
 * The volume subsystem's domain types and its seam to the engine. Names are berth's own; the
 * Engine API's wire shapes (Volume, VolumeCreateOptions, VolumeListResponse) live in api/volume.ts.
 *
 *   engine (container mounts step, volume API) ──► VolumeService ──► the local driver's store
 */

/** One volume as berth stores it (metadata JSON beside its `_data` directory). */
export interface VolumeRecord {
  name: string;
  /** "local", or the name of the plugin that serves the volume. */
  driver: string;
  /**
   * The directory containers mount: <data-root>/volumes/<name>/_data for a local volume; for a
   * plugin's, the path it last answered to Path or Mount ("" before it gave one).
   */
  mountpoint: string;
  /** RFC 3339 (seconds, with the zone), as Docker writes CreatedAt. */
  createdAt: string;
  labels: Record<string, string>;
  /** Driver options as given (-o type=tmpfs,device=tmpfs,o=size=100m …). */
  options: Record<string, string>;
  /** Made for one container (`-v /path`, an image VOLUME): `rm -v` and `run --rm` remove it. */
  anonymous: boolean;
}

export interface VolumeCreateRequest {
  /** Empty: a random 64-hex name (an anonymous volume). */
  name: string;
  /** Empty: `local` for a new volume, and an existing volume of any driver is used as it is. */
  driver: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  anonymous?: boolean;
}

/**
 * Volumes and who uses them. Creating a name that exists returns the existing volume (Docker's
 * rule, and what two containers creating one volume at once must see); removing one in use is a
 * ConflictError naming the containers.
 */
export interface VolumeService {
  list(): VolumeRecord[];
  /**
   * `list` and, after them, the volumes each activated plugin answers to List that berth does not
   * know (Docker's `volume ls`); a plugin that fails is skipped, named in `warnings`.
   */
  listAll(): Promise<{ volumes: VolumeRecord[]; warnings: string[] }>;
  /** @throws NotFoundError "get <name>: no such volume" */
  get(name: string): VolumeRecord;
  /** `get`, else the first activated plugin whose Get knows the name (Docker's `volume inspect`). @throws NotFoundError */
  lookup(name: string): Promise<VolumeRecord>;
  create(req: VolumeCreateRequest): Promise<VolumeRecord>;
  /** @throws ConflictError "remove <name>: volume is in use - [<container ids>]" */
  remove(name: string, force?: boolean): Promise<void>;
  /** Marks a container's use of a volume (at create); released at container removal. */
  addRef(name: string, containerId: string): void;
  releaseRef(name: string, containerId: string): void;
  /** Container ids using the volume. */
  refs(name: string): string[];
  /** Bytes used under the mountpoint (inspect's UsageData, system df -v); -1 when unknown (a plugin's volume). */
  size(name: string): Promise<number>;
  /**
   * Makes the volume's data ready for a container about to start and answers the host path to
   * bind (a local volume with -o is mounted at its first user's start; a plugin is asked to Mount).
   */
  mount(name: string, containerId: string): Promise<string>;
  /** The container stopped or its start failed: what `mount` did for it is undone. Idempotent. */
  unmount(name: string, containerId: string): Promise<void>;
  /** berthd restarted while the container kept running: its mount is noted, not made again. */
  adoptMount(name: string, containerId: string): Promise<void>;
}
