/** The runtime subsystem: OCI spec generation, the conmon driver, and the log reader. */
export type * from './types.js';
export { ConmonRuntime, RuntimePaths, BundleFiles, parseSignal, type ConmonRuntimeOptions, type RuntimeLogger } from './conmon/index.js';
export { buildSpec, readHostFacts, resolveUser, parseDeviceCgroupRule, decodeSeccompProfile, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, DEFAULT_SHM_SIZE, type SpecHostFacts, type ResolvedUser } from './spec/index.js';
export type { OciRuntimeSpec } from './spec/types.js';
export { readLogs } from './logs/index.js';
export { CgroupStatsReader } from './stats/reader.js';
export { detectCgroupLayout, type CgroupLayout } from './stats/layout.js';
