import { volumeInspect } from '../../../client/volume-inspect.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';
import { inspectAll } from '../../format/inspect-output.js';

/** `berth volume inspect`: prints volumes' details as a JSON array or through a template. */
export const command: Command = {
  spec: {
    name: 'volume inspect',
    usage: '[OPTIONS] VOLUME [VOLUME...]',
    description: 'Display detailed information on one or more volumes',
    args: { min: 1 },
    flags: [
      { name: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' },
    ],
  },
  run(ctx, flags, args) {
    return inspectAll(ctx, args, flags.string('format'), async (name) => {
      try {
        return { value: await volumeInspect(ctx.client(), name), goType: 'volume.Volume' };
      } catch (err) {
        throw new Error(describeError(err));
      }
    });
  },
};
