import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerCreateRequest } from '../../api/container.js';
import type { ImageRecord } from '../../image/types.js';
import { rfc3339Nano } from '../../lib/time/rfc3339.js';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { generateName, newId } from '../../lib/ids/index.js';
import { CleanupStack } from '../../lib/sync/cleanup-stack.js';
import type { ContainerContext } from './context.js';
import { mergeCreateConfig, validateName } from './create-config.js';
import { initialRunState, type ContainerRecord } from './model.js';
import { mountsOf } from './mounts.js';
import { acquireVolumes, imageVolumeMounts, volumesFromMounts } from './volume-mounts.js';
import { validateCreateRequest } from './validate-request.js';
import { namespaceMode } from './steps/host-resources.js';
import { resolveCreateNetworking, type CreateNetworking } from './create-network.js';
import { mergeExposedPorts } from './ports.js';

/** Creates a container. @throws NotFoundError for an unknown image, ConflictError for a taken name. */
export async function containerCreate(c: ContainerContext, req: ContainerCreateRequest, requestedName?: string): Promise<{ Id: string; Warnings: string[] }> {
  if (!req || typeof req !== 'object' || Array.isArray(req) || Object.keys(req).length === 0) {
    throw new InvalidArgumentError('config cannot be empty in order to create a container');
  }
  validateCreateRequest(req as Record<string, unknown>);
  const networking = resolveCreateNetworking(req as Record<string, unknown>, { networks: c.deps.networks, container: (ref) => c.deps.store.get(ref) });
  if (typeof req.Image !== 'string' || req.Image === '') throw new InvalidArgumentError('config cannot be empty in order to create a container: no image specified');
  const { store } = c.deps;
  // A missing donor is Docker's 404, before any work.
  for (const entry of (req.HostConfig?.VolumesFrom ?? []) as string[]) store.get(entry.split(':')[0]!);
  // A donor that is missing or stopped is refused now rather than at every start.
  namespaceMode(c.deps.store, 'ipc', req.HostConfig?.IpcMode);
  namespaceMode(c.deps.store, 'pid', req.HostConfig?.PidMode);
  const name = requestedName ? validateName(requestedName) : generateName((n) => store.isNameTaken(n));
  const image = c.deps.images.get(req.Image);
  // Until the record exists, rmi must see this create as a user of the image.
  return c.creating.during(image.id, () => createFromImage(c, req, name, image, networking));
}

async function createFromImage(c: ContainerContext, req: ContainerCreateRequest, name: string, image: ImageRecord, networking: CreateNetworking): Promise<{ Id: string; Warnings: string[] }> {
  const { store, snapshotter } = c.deps;
  const id = newId();
  const merged = mergeCreateConfig(req, image, { id, runtimes: c.deps.runtimes, defaultRuntime: c.deps.defaultRuntime });
  merged.hostConfig.NetworkMode = networking.networkMode;
  if (networking.portBindings) merged.hostConfig.PortBindings = networking.portBindings;
  else delete merged.hostConfig.PortBindings;
  // The image's EXPOSE, --expose and every published port, one "port/proto" key each.
  const exposed = mergeExposedPorts(merged.config.ExposedPorts, networking.portBindings);
  if (exposed) merged.config.ExposedPorts = exposed;
  const own = mountsOf(merged.hostConfig);
  const mounts = [...volumesFromMounts((merged.hostConfig.VolumesFrom ?? []) as string[], (ref) => store.get(ref), own), ...own];
  // Image VOLUMEs become anonymous volumes only where volumes exist (engine unit tests have none).
  if (c.deps.volumes) mounts.push(...imageVolumeMounts(merged.config.Volumes as Record<string, unknown> | null, mounts, (merged.hostConfig.VolumeDriver as string | undefined) ?? ''));
  const undo = new CleanupStack();
  store.reserveName(name, id);
  undo.push(() => store.releaseName(name, id));
  try {
    await acquireVolumes(c.deps.volumes, id, mounts, undo);
    const dir = store.dir(id);
    await mkdir(join(dir, 'bundle'), { recursive: true, mode: 0o710 });
    undo.push(() => rm(dir, { recursive: true, force: true }));
    await snapshotter.prepare(id, image.layers);
    undo.push(() => snapshotter.remove(id));
    const rec: ContainerRecord = {
      id,
      name,
      created: rfc3339Nano(c.deps.clock.now()),
      imageRef: req.Image as string,
      imageId: image.id,
      path: merged.path,
      args: merged.args,
      config: merged.config,
      hostConfig: merged.hostConfig,
      state: initialRunState(),
      runtime: merged.runtime,
      restartCount: 0,
      logPath: join(dir, 'container.log'),
      hostnamePath: join(dir, 'hostname'),
      hostsPath: join(dir, 'hosts'),
      resolvConfPath: join(dir, 'resolv.conf'),
      hasBeenStarted: false,
      mounts,
      ...(networking.endpointsConfig ? { endpointsConfig: networking.endpointsConfig } : {}),
    };
    await store.save(rec, { create: true });
    undo.release();
    c.deps.events.container(rec, 'create');
    return { Id: id, Warnings: networking.warnings };
  } catch (err) {
    await undo.unwind();
    throw err;
  }
}
