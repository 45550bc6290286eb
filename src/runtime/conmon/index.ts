export { ConmonRuntime, type ConmonRuntimeOptions, type RuntimeLogger } from './conmon-runtime.js';
export { RuntimePaths, BundleFiles, checkId } from './paths.js';
export { parseSignal } from './signals.js';
export { filterPsOutput, type TopResult } from './top.js';
