/** The Dockerfile builder: what the daemon constructs and what it must provide (backend.ts). */
export type { BuildOptions } from '../api/build.js';
export { Builder, PreparedBuild, type BuilderOptions } from './builder.js';
export type { BuildBackend, BuildImage, StepContainerSpec, StepRootfs, CommitStepOptions } from './backend.js';
export type { BuildMessage } from './progress.js';
export { RunFailedError } from './errors.js';
export { DEFAULT_CONTEXT_LIMITS, type ContextLimits } from './context.js';
