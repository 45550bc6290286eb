import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { imageGetAll } from '../../../client/image-get.js';
import type { Command } from '../../command.js';

/** `berth save`: writes images with their layers to a tarball (a file with -o, or stdout). */
export const command: Command = {
  spec: {
    name: 'save',
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
    aliases: ['image save', 'save'],
    args: { min: 1 },
    flags: [
      { name: 'output', short: 'o', kind: 'string', description: 'Write to a file, instead of STDOUT' },
      { name: 'platform', kind: 'list', description: 'Save only the given platform(s)' },
    ],
  },
  async run(ctx, flags, names) {
    const output = flags.string('output');
    if (!output && ctx.stdout.isTTY) {
      // docker's wording: a tarball on a terminal is never what the user wants
      throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const platform = flags.list('platform');
    const res = await imageGetAll(ctx.client(), names, { platform: platform.length ? platform.join(',') : undefined });
    const target: Writable = output ? createWriteStream(output) : ctx.stdout;
    if (output) await pipeline(res, target);
    else await pipeline(res, target, { end: false });
    return 0;
  },
};
