import type { Command } from '../../command.js';
import { DOCKER_HUB_SERVER, removeCredentials } from '../../registry-auth.js';

/** `berth logout`: forgets the stored credentials of a registry. */
export const command: Command = {
  spec: {
    name: 'logout',
    usage: '[SERVER]',
    description: 'Log out from a registry',
    aliases: ['logout'],
    args: { max: 1 },
    flags: [],
  },
  async run(ctx, _flags, [server]) {
    const key = server ? server.replace(/^https?:\/\//, '').replace(/\/+$/, '') : DOCKER_HUB_SERVER;
    if (await removeCredentials(ctx, key)) ctx.out(`Removing login credentials for ${key}\n`);
    else ctx.out(`Not logged in to ${key}\n`);
    return 0;
  },
};
