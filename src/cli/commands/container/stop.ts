import { containerStop } from '../../../client/container-stop.js';
import { isNotModified } from '../../../lib/errors/index.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';

/** `berth stop`: stops running containers. */
export const command: Command = {
  spec: {
    name: 'stop',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Stop one or more running containers',
    aliases: ['container stop', 'stop'],
    args: { min: 1 },
    flags: [
      { name: 'signal', short: 's', kind: 'string', description: 'Signal to send to the container' },
      { name: 'timeout', short: 't', kind: 'int', description: 'Seconds to wait before killing the container' },
      { name: 'time', kind: 'int', hidden: true },
    ],
  },
  run(ctx, flags, args) {
    const timeout = flags.int('timeout') ?? flags.int('time');
    return forEachContainer(ctx, args, async (name) => {
      // an already-stopped container (304) counts as stopped, as with docker
      await containerStop(ctx.client(), name, { timeout, signal: flags.string('signal') }).catch((err: unknown) => {
        if (!isNotModified(err)) throw err;
      });
    });
  },
};
