import { networkInspect } from '../../../client/network-inspect.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';
import { inspectAll } from '../../format/inspect-output.js';

/** `berth network inspect`: prints networks' details as a JSON array or through a template. */
export const command: Command = {
  spec: {
    name: 'network inspect',
    usage: '[OPTIONS] NETWORK [NETWORK...]',
    description: 'Display detailed information on one or more networks',
    args: { min: 1 },
    flags: [
      { name: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' },
      { name: 'verbose', short: 'v', kind: 'bool', description: 'Verbose output for diagnostics' },
    ],
  },
  run(ctx, flags, args) {
    return inspectAll(ctx, args, flags.string('format'), async (name) => {
      try {
        return { value: await networkInspect(ctx.client(), name, { verbose: flags.bool('verbose') }), goType: 'network.Inspect' };
      } catch (err) {
        throw new Error(describeError(err));
      }
    });
  },
};
