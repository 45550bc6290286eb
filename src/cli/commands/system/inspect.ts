import { containerInspect } from '../../../client/container-inspect.js';
import { imageInspect } from '../../../client/image-inspect.js';
import { isNotFound } from '../../../lib/errors/index.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';
import { UsageError } from '../../flags.js';
import { inspectAll, type Inspected } from '../../format/inspect-output.js';

/** `berth inspect`: prints low-level details of containers or images, whichever the name is. */
export const command: Command = {
  spec: {
    name: 'inspect',
    usage: '[OPTIONS] NAME|ID [NAME|ID...]',
    description: 'Return low-level information on Docker objects',
    args: { min: 1 },
    flags: [
      { name: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' },
      { name: 'size', short: 's', kind: 'bool', description: 'Display total file sizes if the type is container' },
      { name: 'type', kind: 'string', description: 'Only inspect objects of the given type' },
    ],
  },
  run(ctx, flags, args) {
    const type = flags.string('type');
    if (type && !['container', 'image'].includes(type)) throw new UsageError(`"${type}" is not a valid value for --type`, 1);
    const client = ctx.client();
    return inspectAll(ctx, args, flags.string('format'), async (name) => {
      const tries: Array<() => Promise<Inspected>> = [];
      if (!type || type === 'container') {
        tries.push(async () => ({ value: await containerInspect(client, name, { size: flags.bool('size') }), goType: 'container.InspectResponse' }));
      }
      if (!type || type === 'image') tries.push(async () => ({ value: await imageInspect(client, name), goType: 'image.InspectResponse' }));
      for (const attempt of tries) {
        try {
          return await attempt();
        } catch (err) {
          if (!isNotFound(err)) throw new Error(describeError(err));
        }
      }
      throw new Error(`Error: No such ${type ?? 'object'}: ${name}`);
    });
  },
};
