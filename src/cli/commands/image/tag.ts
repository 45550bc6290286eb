import { imageTag } from '../../../client/image-tag.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import { parseNamedReference } from '../../../oci/reference.js';
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
    const r = parseNamedReference(target!);
    if (r.digest) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
    await imageTag(ctx.client(), source!, { repo: r.familiarName, tag: r.tag! });
    return 0;
  },
};
