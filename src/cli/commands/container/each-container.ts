import type { CliContext } from '../../context.js';
import { describeError } from '../../errors.js';

/**
 * Applies an operation to each named container like docker's multi-target commands: each
 * success echoes the name as given, each failure prints its error and the exit code is 1 if
 * any failed, except failures `harmless` accepts, which are printed but do not fail.
 */
export async function forEachContainer(ctx: CliContext, names: string[], op: (name: string) => Promise<void>, echo = true,
  harmless: (err: unknown) => boolean = () => false): Promise<number> {
  let failed = false;
  for (const name of names) {
    try {
      await op(name);
      if (echo) ctx.out(`${name}\n`);
    } catch (err) {
      if (!harmless(err)) failed = true;
      ctx.err(`${describeError(err)}\n`);
    }
  }
  return failed ? 1 : 0;
}
