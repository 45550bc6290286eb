export { buildSpec, readHostFacts, type SpecHostFacts } from './build.js';
export { resolveUser, type ResolvedUser } from './user.js';
export { resolveInRoot, readFileInRoot } from './in-root.js';
export { containerCapabilities, normalizeCapability } from './capabilities.js';
export { parseDeviceCgroupRule } from './device-rules.js';
export * from './defaults.js';
export type * from './types.js';
export { decodeSeccompProfile } from './seccomp-profile.js';
export { recursiveReadOnlyGap, wantsRecursiveReadOnly, withRecursiveReadOnly } from './recursive-read-only.js';
