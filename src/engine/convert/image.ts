import type { ImageRecord } from '../../image/types.js';

const createdMs = (img: ImageRecord): number => {
  const t = img.config.created ? Date.parse(img.config.created) : NaN;
  return Number.isNaN(t) ? img.addedAt : t;
};

/** `GET /images/json` entry. */
export function toImageSummary(img: ImageRecord, containers: number) {
  return {
    Id: img.id,
    ParentId: img.parent,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Created: Math.floor(createdMs(img) / 1000),
    Size: img.size,
    SharedSize: -1,
    VirtualSize: img.size,
    Labels: (img.config.config?.Labels ?? {}) as Record<string, string>,
    Containers: containers,
  };
}

/** `GET /images/{name}/json`. */
export function toImageInspect(img: ImageRecord) {
  const c = img.config;
  return {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: img.parent,
    Comment: (c.history?.[c.history.length - 1]?.comment ?? '') as string,
    Created: c.created ?? new Date(img.addedAt).toISOString(),
    DockerVersion: '',
    Author: c.author ?? '',
    Config: { Env: [], Cmd: null, Entrypoint: null, WorkingDir: '', User: '', Labels: null, OnBuild: null, ...(c.config ?? {}) },
    Architecture: c.architecture,
    Os: c.os,
    Size: img.size,
    VirtualSize: img.size,
    GraphDriver: { Name: 'overlay2', Data: {} },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: new Date(img.addedAt).toISOString() },
  };
}
