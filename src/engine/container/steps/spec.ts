import type { RuntimeLifecycle } from '../../../runtime/types.js';
import { specInputOf } from '../spec-input.js';
import type { StartStep } from './types.js';

/** Writes the OCI spec from the record and what the steps before it made. */
export function specStep(runtime: Pick<RuntimeLifecycle, 'writeSpec'>): StartStep {
  return {
    name: 'spec',
    async apply(ctx) {
      await runtime.writeSpec(ctx.bundleDir, specInputOf(ctx));
    },
    // The spec is rewritten at every start; nothing to take back.
    async undo() {},
  };
}
