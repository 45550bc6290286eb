import { imageInspect } from '../../../client/image-inspect.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';
import { inspectAll } from '../../format/inspect-output.js';

/** `berth image inspect`: prints images' low-level details. */
export const command: Command = {
  spec: {
    name: 'image inspect',
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    description: 'Display detailed information on one or more images',
    args: { min: 1 },
    flags: [
      { name: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' },
      { name: 'platform', kind: 'string', description: 'Select a platform-specific variant of a multi-platform image', hidden: true },
    ],
  },
  run(ctx, flags, args) {
    return inspectAll(ctx, args, flags.string('format'), async (name) => {
      try {
        return { value: await imageInspect(ctx.client(), name), goType: 'image.InspectResponse' };
      } catch (err) {
        throw new Error(describeError(err));
      }
    });
  },
};
