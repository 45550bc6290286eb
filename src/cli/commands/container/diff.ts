import { containerChanges } from '../../../client/container-changes.js';
import type { Command } from '../../command.js';

const KIND_LETTER = ['C', 'A', 'D'] as const;

/** `berth diff`: lists what a container changed in its filesystem, one "C|A|D path" per line. */
export const command: Command = {
  spec: {
    name: 'diff',
    usage: 'CONTAINER',
    description: "Inspect changes to files or directories on a container's filesystem",
    aliases: ['container diff', 'diff'],
    args: { min: 1, max: 1 },
    flags: [],
  },
  async run(ctx, _flags, [name]) {
    const changes = await containerChanges(ctx.client(), name!);
    ctx.out(changes.map((c) => `${KIND_LETTER[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
    return 0;
  },
};
