import type { BuildBackend, BuildImage } from './backend.js';
import type { BuildCache } from './cache.js';
import type { BuildContext } from './context.js';
import type { BuildProgress } from './progress.js';

/** What a step needs from the build it is part of. */
export interface StepEnv {
  backend: BuildBackend;
  cache: BuildCache;
  progress: BuildProgress;
  context: BuildContext;
  noCache: boolean;
  /** `bridge`, `host`, `none` or a network name: where RUN steps go unless they say otherwise. */
  networkMode: string;
  /** Keep the containers of steps that succeeded (`rm=false`). */
  keepContainers: boolean;
  signal: AbortSignal;
  /** A directory of this build, outside the context, for downloads and heredoc files. */
  scratchDir: string;
  /** The result of an earlier stage by name or index, undefined when `ref` names none. */
  stageResult(ref: string): BuildImage | undefined;
  /** A local image, pulled when absent. */
  resolveImage(ref: string): Promise<BuildImage>;
  /** Registers a step container; the returned function removes it (at most once). */
  track(containerId: string): () => Promise<void>;
}
