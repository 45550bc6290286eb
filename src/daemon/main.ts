import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApiServer } from './server/server.js';
import { Router } from './server/router.js';
import type { DaemonConfig } from './config/config.js';
import { addSystemRoutes } from './routes/system/routes.js';
import { addLifecycleRoutes } from './routes/container/lifecycle.js';
import { addAttachRoutes } from './routes/container/attach.js';
import { addArchiveRoutes } from './routes/container/archive.js';
import { addLogRoutes } from './routes/container/logs.js';
import { addStatsRoutes } from './routes/container/stats.js';
import { addExecRoutes } from './routes/container/exec.js';
import { addFilesystemRoutes } from './routes/container/filesystem.js';
import { addImageRoutes } from './routes/image/routes.js';
import { addNetworkRoutes } from './routes/network/routes.js';
import { addVolumeRoutes } from './routes/volume/routes.js';
import { VolumeApi } from '../engine/volume/api.js';
import { LocalVolumeService, PluginDrivers } from '../volume/index.js';
import { NetworkApi } from '../engine/network/api.js';
import { addBuildRoutes } from './routes/build/routes.js';
import { DaemonBuildBackend } from './build-backend.js';
import { Builder } from '../build/index.js';
import { addSwarmAndPluginRoutes } from './routes/system/swarm.js';
import { addUnservedEndpoints } from './server/engine-endpoints.js';
import { OverlaySnapshotter } from '../snapshot/index.js';
import { LocalImageService } from '../image/index.js';
import { RegistryService } from '../image/distribution/index.js';
import { ConmonRuntime, readLogs } from '../runtime/index.js';
import { CgroupStatsReader, detectCgroupLayout } from '../runtime/index.js';
import { ContainerStore } from '../engine/container/store.js';
import { ContainerService } from '../engine/container/service.js';
import { ContainerApi } from '../engine/container/api.js';
import { ImageApi } from '../engine/image/api.js';
import { SystemApi } from '../engine/system/api.js';
import { EventBus } from '../engine/events/bus.js';
import { hasProcess } from '../engine/container/model.js';
import { mountsStep, volumeSubpathsStep, networkStep, publishedPortsStep, rootfsStep, runtimeCreateStep, specStep, hostResourcesStep } from '../engine/container/steps/index.js';
import { findInitBinary } from '../sys/init-binary.js';
import { HealthMonitor } from '../engine/container/health/monitor.js';
import { NetworkManager, NetworkStore, PortAllocator } from '../network/index.js';
import { BridgeDriver } from '../network/drivers/bridge.js';
import { MacvlanDriver } from '../network/drivers/macvlan.js';
import { IpvlanDriver } from '../network/drivers/ipvlan.js';
import { NftFirewall } from '../network/firewall/nft-firewall.js';
import { EmbeddedDns } from '../network/dns/server.js';
import { IpNetns } from '../sys/net/netns.js';
import { hostLinks, hostRoutes } from '../sys/net/host.js';
import { sysctls, writeSysctl } from '../sys/net/sysctl.js';
import { systemClock } from '../lib/clock/index.js';
import { logSafe } from '../lib/log/safe.js';
import { InvalidArgumentError, UnavailableError } from '../lib/errors/index.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<string, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };

/** A running daemon; `stop()` closes the API and leaves containers running. */
export interface Daemon {
  stop(): Promise<void>;
}

/**
 * The composition root: builds every part from the config, restores state, then serves.
 * The only place that constructs implementations.
 */
export async function startDaemon(cfg: DaemonConfig): Promise<Daemon> {
  const log = (level: Level, msg: string): void => {
    if (LEVELS[level]! >= LEVELS[cfg.logLevel]!) process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${logSafe(msg)}\n`);
  };
  if (process.getuid?.() !== 0) throw new UnavailableError('berthd needs to run as root');
  await mkdir(cfg.dataRoot, { recursive: true, mode: 0o710 });
  await mkdir(cfg.execRoot, { recursive: true, mode: 0o711 });
  await claimPidfile(cfg.pidfile);

  const runtime = new ConmonRuntime({
    execRoot: join(cfg.execRoot, 'runtime'),
    runtimes: cfg.runtimes,
    defaultRuntime: cfg.defaultRuntime,
    logger: { debug: (o, m) => log('debug', `${m ?? ''} ${JSON.stringify(o)}`), warn: (o, m) => log('warn', `${m ?? ''} ${JSON.stringify(o)}`) },
  });
  const probe = await runtime.probe();
  for (const r of probe.runtimes) log(r.ok ? 'info' : 'warn', `runtime ${r.name} (${r.path}): ${r.ok ? 'usable' : `not usable: ${r.reason}`}`);
  const usable = probe.runtimes.filter((r) => r.ok).map((r) => r.name);
  const defaultRuntime = cfg.defaultRuntime ?? probe.defaultRuntime;
  if (cfg.defaultRuntime && !usable.includes(cfg.defaultRuntime)) log('warn', `default runtime ${cfg.defaultRuntime} failed its probe; containers may not start`);
  log('info', `default runtime: ${defaultRuntime}`);

  const snapshotter = new OverlaySnapshotter({ root: join(cfg.dataRoot, 'overlay'), onWarning: (m) => log('warn', m) });
  const images = new LocalImageService({ root: join(cfg.dataRoot, 'image'), snapshotter });
  await images.init();
  const events = new EventBus();
  const store = new ContainerStore(join(cfg.dataRoot, 'containers'));
  const network = await startNetwork(cfg, log);
  // Loaded before containers restore, which re-add their references to the volumes they mount.
  const volumes = new LocalVolumeService(join(cfg.dataRoot, 'volumes'), (m) => log('warn', m), new PluginDrivers(cfg.pluginDirs));
  await volumes.load();
  // The start path, in order; each subsystem contributes its step (see engine/container/steps).
  const steps = [
    rootfsStep(snapshotter),
    mountsStep(volumes, (m) => log('warn', m)),
    volumeSubpathsStep(join(cfg.execRoot, 'volume-subpaths'), (m) => log('warn', m)),
    networkStep(network, { store, networks: network }),
    publishedPortsStep(network),
    hostResourcesStep(store, { initPath: findInitBinary() }),
    specStep(runtime),
    runtimeCreateStep(runtime),
  ];
  // Probes run as execs through the container service below (called only once containers run).
  const health: HealthMonitor = new HealthMonitor({
    clock: systemClock, events, log: (m) => log('warn', m),
    probes: { runProbe: (ref, argv, opts) => containers.runProbe(ref, argv, opts) },
  });
  const containers: ContainerService = new ContainerService({
    store, images, snapshotter, runtime, readLogs, events, steps, health,
    runtimes: Object.keys(cfg.runtimes),
    defaultRuntime,
    log: (m) => log('warn', m),
    clock: systemClock,
    // The cgroup layout (v1, v2, or hybrid counted as v1) is read once, at start.
    stats: new CgroupStatsReader(detectCgroupLayout()),
    resourceUpdater: runtime,
    networks: network,
    volumes,
  });
  const restored = await containers.restore();
  restored.cleanup.catch((err) => log('warn', `restore cleanup: ${(err as Error).message}`));
  // Once running containers adopted their sandboxes: namespaces and veths of containers berth no longer has are a crash's leftovers.
  await network.reconcile(new Set(store.list().map((c) => c.id)))
    .catch((err) => log('warn', `network reconcile: ${(err as Error).message}`));

  const router = new Router();
  const volumeApi = new VolumeApi(volumes, events);
  const containerApi = new ContainerApi(containers, images);
  const usedBy = (imageId: string, runningOnly = false): string[] => containers.imageUsers(imageId, runningOnly);
  const registry = new RegistryService({ store: images, insecureRegistries: cfg.insecureRegistries, registryMirrors: cfg.registryMirrors,
    blobSourcesFile: join(cfg.dataRoot, 'image', 'blob-sources.json'),
  });
  const imageApi = new ImageApi(images, usedBy, events, registry);
  addSystemRoutes(router, new SystemApi({
    containers: store, images, events, dataRoot: cfg.dataRoot, runtimes: probe.runtimes, defaultRuntime, daemonId: await daemonId(cfg.dataRoot),
    listContainers: () => containerApi.containerList({ all: true, size: true, filters: new Map() }),
    listImages: (apiVersion) => imageApi.imageList({ all: true, filters: new Map(), apiVersion }),
    listVolumes: () => volumeApi.volumesWithUsage(),
    imageBlobBytes: async () => (await images.diskUsage()).blobBytes,
    layerSize: async (chainId) => (await snapshotter.layerInfo(chainId)).size,
    insecureRegistries: cfg.insecureRegistries,
    registryMirrors: cfg.registryMirrors,
  }));
  addLifecycleRoutes(router, containerApi);
  addAttachRoutes(router, containerApi);
  addArchiveRoutes(router, containerApi);
  addLogRoutes(router, containerApi);
  addStatsRoutes(router, containerApi);
  addExecRoutes(router, containerApi);
  addFilesystemRoutes(router, containerApi);
  addImageRoutes(router, imageApi);
  addNetworkRoutes(router, new NetworkApi(network, containers, events));
  addVolumeRoutes(router, volumeApi);
  const builder = new Builder({
    backend: new DaemonBuildBackend({ containers, images, imageApi, snapshotter, log: (m) => log('warn', m) }),
    root: join(cfg.dataRoot, 'builder'),
  });
  await builder.init();
  addBuildRoutes(router, {
    imageBuild: (context, req) => builder.prepare(context, req),
    buildPrune: async () => {
      const { removed } = await builder.prune();
      return { CachesDeleted: removed.length > 0 ? removed : null, SpaceReclaimed: 0 };
    },
  });
  addSwarmAndPluginRoutes(router);
  addUnservedEndpoints(router);

  const server = new ApiServer({ router, log });
  if (cfg.hosts.length === 0) throw new InvalidArgumentError('no hosts to listen on');
  for (const h of cfg.hosts) {
    await server.listen(h);
    log('info', `API listen on ${h}`);
  }
  // Four checks a second bound how far a log can run past its max-size between rotations.
  const rotation = setInterval(() => void containers.rotateLogs(), 250);
  rotation.unref();
  log('info', `berthd ready (data root ${cfg.dataRoot}, ${store.list().filter((c) => hasProcess(c.state)).length} running containers)`);

  return {
    async stop() {
      clearInterval(rotation);
      await server.close();
      await network.close();
      await runtime.close();
      await rm(cfg.pidfile, { force: true });
      for (const h of cfg.hosts) if (h.startsWith('unix://')) await rm(h.slice(7), { force: true });
    },
  };
}

/**
 * The network subsystem from the flags: kernel names carry --net-tag, so several daemons (and
 * Docker, podman) share the host. `init` builds the predefined networks, every bridge and the
 * firewall table before containers are restored and adopt their sandboxes.
 */
async function startNetwork(cfg: DaemonConfig, log: (level: Level, msg: string) => void): Promise<NetworkManager> {
  if (cfg.ipForward) await writeSysctl(sysctls.ipv4Forward, '1', { optional: true });
  const store = new NetworkStore(join(cfg.dataRoot, 'network'), (m) => log('warn', m));
  // The DNS server asks the manager for names; the manager opens the server's listeners.
  let manager: NetworkManager | undefined;
  const dns = new EmbeddedDns({
    lookup: {
      lookup: (id, name, family) => manager?.lookup(id, name, family),
      reverse: (id, address) => manager?.reverse(id, address),
    },
    clientAllowed: (id, address) => manager?.dnsClientAllowed(id, address) ?? false,
    log: (m) => log('warn', m),
  });
  manager = new NetworkManager({
    store,
    drivers: { bridge: new BridgeDriver({ ipForward: cfg.ipForward }), macvlan: new MacvlanDriver(), ipvlan: new IpvlanDriver() },
    firewall: new NftFirewall({ tableName: cfg.netTag }),
    netns: new IpNetns(),
    dns,
    ports: new PortAllocator(),
    netTag: cfg.netTag,
    defaultBridge: { bip: cfg.bip, fixedCidr: cfg.fixedCidr, mtu: cfg.mtu },
    pools: cfg.defaultAddressPools,
    routes: hostRoutes,
    links: hostLinks,
    log,
  });
  await manager.init();
  return manager;
}


/** Refuses to start when another live berthd holds the pidfile. */
async function claimPidfile(path: string): Promise<void> {
  const old = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(old.trim());
  if (pid > 0 && pid !== process.pid) {
    try {
      process.kill(pid, 0);
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmd.includes('berthd')) throw new UnavailableError(`pid file found, ensure berthd is not running or delete ${path}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH' && (err as { kind?: string }).kind) throw err;
    }
  }
  await writeFile(path, `${process.pid}\n`);
}

async function daemonId(dataRoot: string): Promise<string> {
  const p = join(dataRoot, 'engine-id');
  const existing = (await readFile(p, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  const id = randomUUID();
  await writeFile(p, id);
  return id;
}

