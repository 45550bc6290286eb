import type { ImageInspect, ImageSummary } from '../../api/image.js';
import { apiBefore } from '../../api/version.js';
import type { ImageRecord } from '../../image/types.js';

const createdMs = (img: ImageRecord): number => {
  const t = img.config.created ? Date.parse(img.config.created) : NaN;
  return Number.isNaN(t) ? img.addedAt : t;
};

/**
 * The container-only fields Docker's image `Config` carried (always empty) until API 1.50,
 * because it reused the container config type for it.
 */
const CONTAINER_ONLY_CONFIG = {
  Hostname: '', Domainname: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
  Tty: false, OpenStdin: false, StdinOnce: false, Image: '',
} as const;

/**
 * The `ContainerConfig` of an image for clients before API 1.45: the config of the container
 * an image was committed from (recorded by commit), or the empty config Docker sends for
 * imported images.
 */
function emptyContainerConfig(): Record<string, unknown> {
  return {
    ...CONTAINER_ONLY_CONFIG, User: '', Env: null, Cmd: null, Volumes: null, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
  };
}

/** `Container` and `ContainerConfig` for clients before 1.45: the source container of a committed image. */
function legacyContainerFields(c: ImageRecord['config']): { Container: string; ContainerConfig: Record<string, unknown> } {
  const cc = c.container_config;
  return {
    Container: typeof c.container === 'string' ? c.container : '',
    ContainerConfig: cc && typeof cc === 'object' ? { ...emptyContainerConfig(), ...(cc as Record<string, unknown>) } : emptyContainerConfig(),
  };
}

/** `GET /images/json` entry (and `/system/df`'s), in the shape of the request's API version. */
export function toImageSummary(img: ImageRecord, containers: number, apiVersion: string): ImageSummary {
  return {
    Id: img.id,
    ParentId: img.parent,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Created: Math.floor(createdMs(img) / 1000),
    Size: img.size,
    SharedSize: -1,
    ...(apiBefore(apiVersion, '1.44') ? { VirtualSize: img.size } : {}),
    Labels: (img.config.config?.Labels ?? {}) as Record<string, string>,
    Containers: containers,
  };
}

/** `GET /images/{name}/json`, in the shape of the request's API version. */
export function toImageInspect(img: ImageRecord, apiVersion: string): ImageInspect {
  const c = img.config;
  const config: Record<string, unknown> = { Env: [], Cmd: null, Entrypoint: null, WorkingDir: '', User: '', Labels: null, OnBuild: null, ...(c.config ?? {}) };
  const legacy = apiBefore(apiVersion, '1.45');
  return {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: img.parent,
    Comment: (c.history?.[c.history.length - 1]?.comment ?? '') as string,
    Created: c.created ?? new Date(img.addedAt).toISOString(),
    ...(legacy ? legacyContainerFields(c) : {}),
    DockerVersion: '',
    Author: c.author ?? '',
    Config: apiBefore(apiVersion, '1.50') ? { ...CONTAINER_ONLY_CONFIG, ...config } : config,
    Architecture: c.architecture,
    Os: c.os,
    Size: img.size,
    ...(apiBefore(apiVersion, '1.44') ? { VirtualSize: img.size } : {}),
    GraphDriver: { Name: 'overlay2', Data: {} },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: new Date(img.addedAt).toISOString() },
  };
}
