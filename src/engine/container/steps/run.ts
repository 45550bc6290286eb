import { CleanupStack } from '../../../lib/sync/cleanup-stack.js';
import { messageOf } from '../../../lib/errors/index.js';
import type { ContainerRecord } from '../model.js';
import type { StartContext, StartStep } from './types.js';

/**
 * Applies every step in order. Returns the undo stack for the caller to unwind should what
 * follows the steps fail; when a step itself fails, the steps before it are undone here.
 */
export async function applySteps(steps: readonly StartStep[], ctx: StartContext): Promise<CleanupStack> {
  const undo = new CleanupStack();
  try {
    for (const step of steps) {
      await step.apply(ctx);
      undo.push(() => step.undo(ctx.rec));
    }
  } catch (err) {
    await undo.unwind();
    throw err;
  }
  return undo;
}

/**
 * Undoes the steps in reverse (teardown after an exit, removal, restore); a failing undo is
 * logged and the rest still run. `only` picks the steps whose undo must finish now or those that
 * may finish in the background (see StartStep.undoInBackground); by default, all.
 */
export async function undoSteps(steps: readonly StartStep[], rec: ContainerRecord, log: (msg: string) => void, only?: 'now' | 'background'): Promise<void> {
  for (const step of [...steps].reverse()) {
    if (only !== undefined && (only === 'background') !== !!step.undoInBackground) continue;
    try {
      await step.undo(rec);
    } catch (err) {
      log(`${step.name} teardown of ${rec.id}: ${messageOf(err)}`);
    }
  }
}
