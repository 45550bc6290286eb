import { existsSync, readFileSync } from 'node:fs';
import { cpus, hostname, release, totalmem, arch } from 'node:os';
import { API_VERSION, MIN_API_VERSION, apiBefore } from '../../api/version.js';
import type { ContainerSummary } from '../../api/container.js';
import type { ImageSummary } from '../../api/image.js';
import type { Commit, RegistryServiceConfig, SystemDataUsageResponse, SystemInfo, SystemVersion } from '../../api/system.js';
import type { ImageService } from '../../image/types.js';
import type { RuntimeInfo } from '../../runtime/types.js';
import type { ContainerStore } from '../container/store.js';
import type { EventBus } from '../events/bus.js';
import { layerSharing } from './data-usage.js';
import { eventFilter } from '../events/filter.js';
import type { EventMessage } from '../../api/event.js';

export const BERTH_VERSION = '0.1.0';

/** "2" on a pure cgroup v2 host, "1" on v1 or hybrid hosts (where runtimes use the v1 controllers). */
export function cgroupVersion(): '1' | '2' {
  return existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1';
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

const goArch = (): string => ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[arch()] ?? arch();

export interface SystemApiDeps {
  containers: ContainerStore;
  images: ImageService;
  events: EventBus;
  dataRoot: string;
  runtimes: RuntimeInfo[];
  defaultRuntime: string;
  daemonId: string;
  /** Containers with their sizes, and images, in wire form (for /system/df). */
  listContainers: () => Promise<ContainerSummary[]>;
  listImages: (apiVersion: string) => ImageSummary[];
  /** Volumes with their UsageData (size and container count), for `system df`. */
  listVolumes?: () => Promise<unknown[]>;
  /** Bytes the image store keeps beyond the unpacked layers (compressed layer blobs). */
  imageBlobBytes: () => Promise<number>;
  /** Unpacked size of one layer by chain id, so df counts a layer shared by images once. */
  layerSize?: (chainId: string) => Promise<number>;
  /** --insecure-registry values: CIDRs and host[:port] names. */
  insecureRegistries?: string[];
  /** --registry-mirror values, normalized; shown for docker.io and as `Mirrors`. */
  registryMirrors?: string[];
}

/** "runc version 1.1.5+ds1" -> "1.1.5+ds1": what `info` shows as the runtime's commit. */
export function runtimeCommitId(versionLine: string | undefined): string {
  if (!versionLine) return '';
  return /version\s+(\S+)/.exec(versionLine)?.[1] ?? versionLine.trim();
}

/**
 * Docker's registry settings: Docker Hub, loopback insecure, and the --insecure-registry values
 * as dockerd lists them (CIDRs apart, names as insecure index configs), and the mirrors of Docker
 * Hub (under docker.io and as `Mirrors`).
 */
function registryConfig(apiVersion: string, insecure: string[] = [], mirrors: string[] = []): RegistryServiceConfig {
  const cidrs = insecure.filter((e) => e.includes('/'));
  const names = insecure.filter((e) => !e.includes('/'));
  return {
    ...(apiBefore(apiVersion, '1.49') ? { AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null } : {}),
    IndexConfigs: {
      ...Object.fromEntries(names.map((n) => [n, { Name: n, Mirrors: [], Secure: false, Official: false }])),
      'docker.io': { Name: 'docker.io', Mirrors: [...mirrors], Secure: true, Official: true },
    },
    InsecureRegistryCIDRs: [...new Set([...cidrs, '::1/128', '127.0.0.0/8'])],
    Mirrors: mirrors.length > 0 ? [...mirrors] : null,
  };
}

/** A commit in `info`; clients before API 1.49 also get `Expected` (equal: nothing to warn about). */
function commit(id: string, apiVersion: string): Commit {
  return apiBefore(apiVersion, '1.49') ? { ID: id, Expected: id } : { ID: id };
}

/** `/version`, `/info` and `/events`. */
export class SystemApi {
  readonly #d: SystemApiDeps;
  constructor(d: SystemApiDeps) {
    this.#d = d;
  }

  systemVersion(): SystemVersion {
    const details = { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Arch: goArch(), Os: 'linux', KernelVersion: release(), GitCommit: '', GoVersion: `node ${process.version}`, BuildTime: '', Experimental: 'false' };
    const rt = this.#d.runtimes.find((r) => r.name === this.#d.defaultRuntime);
    return {
      Platform: { Name: 'berth' },
      Components: [
        { Name: 'Engine', Version: BERTH_VERSION, Details: details },
        ...(rt ? [{ Name: rt.name, Version: rt.version ?? '', Details: { path: rt.path } }] : []),
      ],
      Version: BERTH_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: '',
      GoVersion: `node ${process.version}`,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: release(),
      BuildTime: '',
    };
  }

  /** `apiVersion` is the request's: fields come and go between versions. */
  async systemInfo(apiVersion: string): Promise<SystemInfo> {
    const list = this.#d.containers.list();
    const count = (s: string): number => list.filter((c) => c.state.status === s).length;
    const runtimes: Record<string, { path: string; status?: Record<string, string> }> = {};
    const warnings: string[] = [];
    for (const r of this.#d.runtimes) {
      runtimes[r.name] = { path: r.path, status: { usable: String(r.ok), ...(r.reason ? { reason: r.reason } : {}) } };
      if (!r.ok) warnings.push(`WARNING: runtime ${r.name} (${r.path}) is not usable on this host: ${r.reason ?? 'unknown reason'}`);
    }
    const cg = cgroupVersion();
    return {
      ID: this.#d.daemonId,
      Containers: list.length,
      ContainersRunning: count('running'),
      ContainersPaused: count('paused'),
      ContainersStopped: list.length - count('running') - count('paused'),
      Images: this.#d.images.list().length,
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true']],
      Plugins: { Volume: ['local'], Network: ['host', 'null'], Authorization: null, Log: ['json-file', 'local'] },
      MemoryLimit: true,
      SwapLimit: cg === '2' || existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes'),
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: true,
      ...(apiBefore(apiVersion, '1.50') ? { BridgeNfIptables: false, BridgeNfIp6tables: false } : {}),
      Debug: false,
      NFd: 0,
      OomKillDisable: cg === '1',
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: cg,
      NEventsListener: 0,
      KernelVersion: release(),
      OperatingSystem: osName(),
      OSVersion: '',
      OSType: 'linux',
      Architecture: arch() === 'x64' ? 'x86_64' : arch(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: registryConfig(apiVersion, this.#d.insecureRegistries, this.#d.registryMirrors),
      NCPU: cpus().length,
      MemTotal: totalmem(),
      GenericResources: null,
      DockerRootDir: this.#d.dataRoot,
      HttpProxy: '',
      HttpsProxy: '',
      NoProxy: '',
      Name: hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: BERTH_VERSION,
      Runtimes: runtimes,
      DefaultRuntime: this.#d.defaultRuntime,
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      // Containers do outlive berthd (conmon holds them), but live-restore is a dockerd option
      // with its own semantics (daemon.json, swarm incompatibility) that berth does not offer.
      LiveRestoreEnabled: false,
      Isolation: '',
      InitBinary: '',
      ContainerdCommit: commit('', apiVersion),
      RuncCommit: commit(runtimeCommitId(this.#d.runtimes.find((r) => r.name === this.#d.defaultRuntime)?.version), apiVersion),
      InitCommit: commit('', apiVersion),
      // Every container gets berth's built-in seccomp profile unless it asks for none, and
      // its own cgroup namespace wherever the kernel has them (Docker: only on cgroup v2).
      SecurityOptions: ['name=seccomp,profile=builtin', ...(existsSync('/proc/self/ns/cgroup') ? ['name=cgroupns'] : [])],
      Warnings: warnings,
    };
  }

  async systemDataUsage(apiVersion: string): Promise<SystemDataUsageResponse> {
    // Layers are stored once however many images share them: SharedSize says how much of an
    // image's size other images use too (the CLI's UNIQUE SIZE is Size - SharedSize, and its
    // RECLAIMABLE subtracts that from LayersSize for every image in use).
    const listed = this.#d.listImages(apiVersion);
    const { sharedSize, uniqueBytes } = await this.#layerSharing(listed);
    const images = listed.map((i) => ({ ...i, SharedSize: sharedSize.get(i.Id) ?? 0 }));
    return {
      // Unpacked layers, each once, plus the compressed blobs kept for push and save (image/paths.ts says which).
      LayersSize: uniqueBytes + (await this.#d.imageBlobBytes()),
      Images: images,
      Containers: await this.#d.listContainers(),
      Volumes: (await this.#d.listVolumes?.()) ?? [],
      BuildCache: [],
    };
  }

  async #layerSharing(listed: ImageSummary[]): Promise<{ sharedSize: Map<string, number>; uniqueBytes: number }> {
    const layerSize = this.#d.layerSize;
    if (!layerSize) return { sharedSize: new Map(), uniqueBytes: listed.reduce((sum, i) => sum + i.Size, 0) };
    const records = new Map(this.#d.images.list().map((r) => [r.id, r]));
    const sizes = new Map<string, number>();
    const withLayers = [];
    for (const i of listed) {
      const layers = [];
      for (const chainId of records.get(i.Id)?.layers ?? []) {
        if (!sizes.has(chainId)) sizes.set(chainId, await layerSize(chainId).catch(() => 0));
        layers.push({ chainId, size: sizes.get(chainId)! });
      }
      withLayers.push({ id: i.Id, layers });
    }
    return layerSharing(withLayers);
  }

  eventFilter(filters: Map<string, string[]>): (e: EventMessage) => boolean {
    return eventFilter(filters);
  }

  subscribeEvents(fn: Parameters<EventBus['subscribe']>[0], since?: number) {
    return this.#d.events.subscribe(fn, since);
  }
}
