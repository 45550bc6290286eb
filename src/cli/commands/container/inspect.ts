import { containerInspect } from '../../../client/container-inspect.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';
import { inspectAll } from '../../format/inspect-output.js';

/** `berth container inspect`: prints containers' low-level details. */
export const command: Command = {
  spec: {
    name: 'container inspect',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Display detailed information on one or more containers',
    args: { min: 1 },
    flags: [
      { name: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' },
      { name: 'size', short: 's', kind: 'bool', description: 'Display total file sizes' },
    ],
  },
  run(ctx, flags, args) {
    return inspectAll(ctx, args, flags.string('format'), async (name) => {
      try {
        return { value: await containerInspect(ctx.client(), name, { size: flags.bool('size') }), goType: 'container.InspectResponse' };
      } catch (err) {
        throw new Error(describeError(err));
      }
    });
  },
};
