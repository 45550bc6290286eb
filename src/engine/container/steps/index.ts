/** The start path's steps and how they run. */
export type { StartContext, StartStep } from './types.js';
export { applySteps, undoSteps } from './run.js';
export { rootfsStep } from './rootfs.js';
export { mountsStep } from './mounts.js';
export { volumeSubpathsStep } from './volume-subpaths.js';
export { networkStep, publishedPortsStep } from './network.js';
export { specStep } from './spec.js';
export { runtimeCreateStep } from './runtime.js';
export { hostResourcesStep, devicesOf } from './host-resources.js';
