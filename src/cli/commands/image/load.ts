import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { imageLoad } from '../../../client/image-load.js';
import type { Command } from '../../command.js';

/** `berth load`: loads images from a tarball made by `save` (or an OCI layout archive). */
export const command: Command = {
  spec: {
    name: 'load',
    usage: '[OPTIONS]',
    description: 'Load an image from a tar archive or STDIN',
    aliases: ['image load', 'load'],
    args: { max: 0 },
    flags: [
      { name: 'input', short: 'i', kind: 'string', description: 'Read from tar archive file, instead of STDIN' },
      { name: 'platform', kind: 'list', description: 'Load only the given platform(s)' },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Suppress the load output' },
    ],
  },
  async run(ctx, flags) {
    const input = flags.string('input');
    let source: Readable;
    if (input) {
      const file = createReadStream(input);
      await new Promise<void>((resolve, reject) => { file.once('open', () => resolve()); file.once('error', reject); })
        .catch((err: NodeJS.ErrnoException) => {
          throw new Error(`open ${input}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
        });
      source = file;
    } else {
      if (ctx.stdin.isTTY) throw new Error('requested load from stdin, but stdin is empty');
      source = ctx.stdin;
    }
    const platform = flags.list('platform');
    for await (const line of imageLoad(ctx.client(), source, { quiet: flags.bool('quiet'), platform: platform.length ? platform.join(',') : undefined })) {
      // -q drops the progress only: "Loaded image: …" is printed either way, as docker does.
      ctx.out(line);
    }
    return 0;
  },
};
