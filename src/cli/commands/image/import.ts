import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { imageCreate } from '../../../client/image-create.js';
import type { Command } from '../../command.js';
import { targetReference } from '../../target-reference.js';

/** `berth import`: makes an image from a rootfs tarball (a file, `-` for stdin, or a URL). */
export const command: Command = {
  spec: {
    name: 'import',
    usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
    description: 'Import the contents from a tarball to create a filesystem image',
    aliases: ['image import', 'import'],
    args: { min: 1, max: 2 },
    flags: [
      { name: 'change', short: 'c', kind: 'list', description: 'Apply Dockerfile instruction to the created image' },
      { name: 'message', short: 'm', kind: 'string', description: 'Set commit message for imported image' },
      { name: 'platform', kind: 'string', description: 'Set platform if server is multi-platform capable' },
    ],
  },
  async run(ctx, flags, [source, reference]) {
    const { repo, tag } = targetReference(reference);
    let body: Readable | URL;
    if (source === '-') body = ctx.stdin;
    else if (/^https?:\/\//.test(source!)) body = new URL(source!);
    else {
      const file = createReadStream(source!);
      body = file;
      // fail before contacting the daemon when the file cannot be read, as docker does
      await new Promise<void>((resolve, reject) => { file.once('open', () => resolve()); file.once('error', reject); })
        .catch((err: NodeJS.ErrnoException) => {
          throw new Error(`open ${source}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
        });
    }
    const id = await imageCreate(ctx.client(), {
      source: body,
      repo,
      tag,
      changes: flags.list('change'),
      message: flags.string('message'),
      platform: flags.string('platform'),
    });
    if (id) ctx.out(`${id}\n`);
    return 0;
  },
};
