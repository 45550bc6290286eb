import type { ImageRunConfig } from '../image/types.js';
import type { Stage } from './dockerfile/types.js';
import type { ArgScope } from './args.js';
import type { BuildImage } from './backend.js';
import { envValue } from './config-changes.js';

/** Where one stage stands while its instructions are dispatched. */
export interface StageState {
  stage: Stage;
  /** The image of the last step (the base image before any). */
  image: BuildImage;
  /** The run config of the next image: the last step's, changed by metadata instructions. */
  config: ImageRunConfig;
  args: ArgScope;
  /** CMD given in this stage: ENTRYPOINT keeps it, else ENTRYPOINT clears the base image's CMD. */
  cmdSet: boolean;
}

/** What `$X` means in an instruction: ENV first, then the stage's ARGs, as Docker resolves it. */
export function stageLookup(state: StageState): (name: string) => string | undefined {
  return (name) => envValue(state.config.Env as string[] | undefined, name) ?? state.args.valueOf(name);
}
