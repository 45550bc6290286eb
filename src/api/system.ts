/**
 * Engine API v1.50 system wire types, with Docker's exact JSON field names.
 */

import type { ContainerSummary } from './container.js';
import type { ImageSummary } from './image.js';

/** One component of `GET /version`. */
export interface ComponentVersion {
  Name: string;
  Version: string;
  Details?: Record<string, string>;
}

/** Answer of `GET /version`. */
export interface SystemVersion {
  Platform?: { Name: string };
  Components?: ComponentVersion[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Experimental?: boolean;
  BuildTime?: string;
}

/** Information about one registry index (`RegistryConfig.IndexConfigs`). */
export interface IndexInfo {
  Name: string;
  Mirrors: string[];
  Secure: boolean;
  Official: boolean;
}

/** `RegistryConfig` of `GET /info`. */
export interface RegistryServiceConfig {
  /** Removed in API 1.49. */
  AllowNondistributableArtifactsCIDRs?: string[] | null;
  /** Removed in API 1.49. */
  AllowNondistributableArtifactsHostnames?: string[] | null;
  InsecureRegistryCIDRs: string[];
  IndexConfigs: Record<string, IndexInfo>;
  Mirrors: string[] | null;
}

/** A component's commit in `GET /info` (`Expected` was removed in API 1.49). */
export interface Commit {
  ID: string;
  Expected?: string;
}

/** Answer of `GET /info` (fields berth prints; the rest pass through). */
export interface SystemInfo {
  ID?: string;
  Containers?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Images?: number;
  Driver?: string;
  DriverStatus?: Array<[string, string]> | null;
  LoggingDriver?: string;
  CgroupDriver?: string;
  CgroupVersion?: string;
  Runtimes?: Record<string, { path?: string }>;
  DefaultRuntime?: string;
  KernelVersion?: string;
  OperatingSystem?: string;
  OSType?: string;
  Architecture?: string;
  NCPU?: number;
  MemTotal?: number;
  DockerRootDir?: string;
  Name?: string;
  ServerVersion?: string;
  Labels?: string[];
  Debug?: boolean;
  LiveRestoreEnabled?: boolean;
  SecurityOptions?: string[];
  RegistryConfig?: RegistryServiceConfig;
  ContainerdCommit?: Commit;
  RuncCommit?: Commit;
  InitCommit?: Commit;
  /** Removed in API 1.50. */
  BridgeNfIptables?: boolean;
  BridgeNfIp6tables?: boolean;
  Warnings?: string[] | null;
  [key: string]: unknown;
}

/** Answer of `GET /system/df`. */
export interface SystemDataUsageResponse {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: ContainerSummary[];
  Volumes: unknown[];
  BuildCache: unknown[];
}
