import { imageTag } from '../../../client/image-tag.js';
import type { Command } from '../../command.js';

/** `berth tag`: adds a reference to an image. */
export const command: Command = {
  spec: {
    name: 'tag',
    usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
    description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
    aliases: ['image tag', 'tag'],
    args: { min: 2, max: 2 },
    flags: [],
  },
  async run(ctx, _flags, [source, target]) {
    const slash = target!.lastIndexOf('/');
    const colon = target!.lastIndexOf(':');
    const [repo, tag] = colon > slash ? [target!.slice(0, colon), target!.slice(colon + 1)] : [target!, 'latest'];
    await imageTag(ctx.client(), source!, { repo, tag });
    return 0;
  },
};
