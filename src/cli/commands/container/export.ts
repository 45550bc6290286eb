import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { containerExport } from '../../../client/container-export.js';
import type { Command } from '../../command.js';

/** `berth export`: writes a container's filesystem as a tar archive (a file with -o, or stdout). */
export const command: Command = {
  spec: {
    name: 'export',
    usage: '[OPTIONS] CONTAINER',
    description: "Export a container's filesystem as a tar archive",
    aliases: ['container export', 'export'],
    args: { min: 1, max: 1 },
    flags: [{ name: 'output', short: 'o', kind: 'string', description: 'Write to a file, instead of STDOUT' }],
  },
  async run(ctx, flags, [name]) {
    const output = flags.string('output');
    if (!output && ctx.stdout.isTTY) {
      // docker's wording: a tarball on a terminal is never what the user wants
      throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const res = await containerExport(ctx.client(), name!);
    if (!output) {
      await pipeline(res, ctx.stdout, { end: false });
      return 0;
    }
    // As docker does: a temp file beside the target, renamed over it only once complete.
    const tmp = join(dirname(output), `.${basename(output)}.${randomBytes(6).toString('hex')}`);
    try {
      await pipeline(res, createWriteStream(tmp, { mode: 0o600 }));
      await rename(tmp, output);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new Error(`failed to export container: ${(err as Error).message}`, { cause: err });
    }
    return 0;
  },
};
