import { imageCreateFromImage } from '../../../client/image-create.js';
import { canonicalName, canonicalString, parseNamedReference, withDefaultTag } from '../../../oci/reference.js';
import type { Command } from '../../command.js';
import { registryAuthHeader } from '../../registry-auth.js';

/** `berth pull`: downloads an image from its registry, printing the daemon's progress lines. */
export const command: Command = {
  spec: {
    name: 'pull',
    usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
    description: 'Download an image from a registry',
    aliases: ['image pull', 'pull'],
    args: { min: 1, max: 1 },
    flags: [
      { name: 'all-tags', short: 'a', kind: 'bool', description: 'Download all tagged images in the repository' },
      { name: 'platform', kind: 'string', description: 'Set platform if server is multi-platform capable' },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Suppress verbose output' },
    ],
  },
  async run(ctx, flags, [name]) {
    const parsed = parseNamedReference(name!);
    const quiet = flags.bool('quiet');
    const all = flags.bool('all-tags');
    if (all && (parsed.tag !== undefined || parsed.digest !== undefined)) throw new Error('tag can\'t be used with --all-tags/-a');
    if (!all && parsed.tag === undefined && parsed.digest === undefined && !quiet) ctx.out('Using default tag: latest\n');
    const r = all ? parsed : withDefaultTag(parsed);
    const stream = imageCreateFromImage(ctx.client(), {
      fromImage: r.digest ? `${canonicalName(r)}@${r.digest}` : canonicalName(r),
      tag: r.digest || all ? undefined : r.tag,
      platform: flags.string('platform'),
      registryAuth: await registryAuthHeader(ctx, r.domain),
    });
    for await (const msg of stream) {
      if (quiet || !msg.status || msg.progress) continue;
      ctx.out(`${msg.id ? `${msg.id}: ` : ''}${msg.status}\n`);
    }
    ctx.out(`${canonicalString(r)}\n`);
    return 0;
  },
};
