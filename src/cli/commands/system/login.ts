import { systemAuth } from '../../../client/system-auth.js';
import type { Command } from '../../command.js';
import { DOCKER_HUB_SERVER, storeCredentials } from '../../registry-auth.js';

/** `berth login`: checks credentials with the registry (through the daemon) and stores them. */
export const command: Command = {
  spec: {
    name: 'login',
    usage: '[OPTIONS] [SERVER]',
    description: 'Authenticate to a registry',
    aliases: ['login'],
    args: { max: 1 },
    flags: [
      { name: 'username', short: 'u', kind: 'string', description: 'Username' },
      { name: 'password', short: 'p', kind: 'string', description: 'Password' },
      { name: 'password-stdin', kind: 'bool', description: 'Take the password from stdin' },
    ],
  },
  async run(ctx, flags, [server]) {
    const key = server ? server.replace(/^https?:\/\//, '').replace(/\/+$/, '') : DOCKER_HUB_SERVER;
    const username = flags.string('username');
    let password = flags.string('password');
    if (flags.bool('password-stdin')) {
      if (password) throw new Error('--password and --password-stdin are mutually exclusive');
      if (!username) throw new Error('Must provide --username with --password-stdin');
      const chunks: Buffer[] = [];
      for await (const c of ctx.stdin as AsyncIterable<Buffer>) chunks.push(c);
      password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    } else if (password) {
      ctx.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    }
    if (!username || !password) throw new Error('berth login needs --username and a password (--password-stdin); it does not prompt');
    const res = await systemAuth(ctx.client(), { username, password, serveraddress: key });
    const stored = await storeCredentials(ctx, key, username, password);
    if (!stored.helper) ctx.err(`WARNING! Your password will be stored unencrypted in ${stored.path}.\n`);
    ctx.out(`${res.Status}\n`);
    return 0;
  },
};
