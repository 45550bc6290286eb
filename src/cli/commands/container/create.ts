import type { Command } from '../../command.js';
import { ExitError } from '../../errors.js';
import { UsageError } from '../../flags.js';
import { CREATE_FLAGS, buildCreatePlan } from './create-options.js';
import { createContainer } from './create-container.js';

/** `berth create`: creates a container without starting it and prints its id. */
export const command: Command = {
  spec: {
    name: 'create',
    usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    description: 'Create a new container',
    aliases: ['container create', 'create'],
    stopAtFirstPositional: true,
    args: { min: 1 },
    flags: CREATE_FLAGS,
  },
  async run(ctx, flags, args) {
    let plan;
    try {
      plan = buildCreatePlan(flags, args, ctx.env, false);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new ExitError(125, `${ctx.prog}: ${(err as Error).message}\n\nRun '${ctx.prog} create --help' for more information`);
    }
    // unlike run, docker create reports daemon errors plainly and exits 1
    const id = await createContainer(ctx, plan, flags.string('pull') ?? 'missing', flags.bool('quiet'), flags.string('cidfile'));
    ctx.out(`${id}\n`);
    return 0;
  },
};
