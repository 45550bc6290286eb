import { imagePush } from '../../../client/image-push.js';
import { parseNamedReference } from '../../../oci/reference.js';
import type { Command } from '../../command.js';
import { registryAuthHeader } from '../../registry-auth.js';

/** `berth push`: uploads an image to its registry, printing the daemon's progress lines. */
export const command: Command = {
  spec: {
    name: 'push',
    usage: '[OPTIONS] NAME[:TAG]',
    description: 'Upload an image to a registry',
    aliases: ['image push', 'push'],
    args: { min: 1, max: 1 },
    flags: [
      { name: 'all-tags', short: 'a', kind: 'bool', description: 'Push all tags of an image to the repository' },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Suppress verbose output' },
    ],
  },
  async run(ctx, flags, [name]) {
    const r = parseNamedReference(name!);
    const all = flags.bool('all-tags');
    if (all && r.tag !== undefined) throw new Error('tag can\'t be used with --all-tags/-a');
    if (r.digest !== undefined) throw new Error('cannot push a digest reference');
    const quiet = flags.bool('quiet');
    if (!all && r.tag === undefined && !quiet) ctx.out('Using default tag: latest\n');
    const stream = imagePush(ctx.client(), r.familiarName, {
      tag: all ? undefined : (r.tag ?? 'latest'),
      registryAuth: await registryAuthHeader(ctx, r.domain),
    });
    for await (const msg of stream) {
      if (quiet || !msg.status || msg.progress) continue;
      ctx.out(`${msg.id ? `${msg.id}: ` : ''}${msg.status}\n`);
    }
    if (quiet) ctx.out(`${name}\n`);
    return 0;
  },
};
