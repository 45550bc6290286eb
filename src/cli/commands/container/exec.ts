import { containerExec } from '../../../client/container-exec.js';
import { execInspect } from '../../../client/exec-inspect.js';
import { execResize } from '../../../client/exec-resize.js';
import { execStart, execStartDetached } from '../../../client/exec-start.js';
import type { Command } from '../../command.js';
import { ExitError } from '../../errors.js';
import { buildEnv } from './create-options.js';
import { followTerminalSize, pumpStreams } from './stream-io.js';

/** `berth exec`: runs a command in a running container. */
export const command: Command = {
  spec: {
    name: 'exec',
    usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
    description: 'Execute a command in a running container',
    aliases: ['container exec', 'exec'],
    stopAtFirstPositional: true,
    args: { min: 2 },
    flags: [
      { name: 'detach', short: 'd', kind: 'bool', description: 'Detached mode: run command in the background' },
      { name: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching a container' },
      { name: 'env', short: 'e', kind: 'list', description: 'Set environment variables' },
      { name: 'env-file', kind: 'list', description: 'Read in a file of environment variables' },
      { name: 'interactive', short: 'i', kind: 'bool', description: 'Keep STDIN open even if not attached' },
      { name: 'privileged', kind: 'bool', description: 'Give extended privileges to the command' },
      { name: 'tty', short: 't', kind: 'bool', description: 'Allocate a pseudo-TTY' },
      { name: 'user', short: 'u', kind: 'string', description: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
      { name: 'workdir', short: 'w', kind: 'string', description: 'Working directory inside the container' },
    ],
  },
  async run(ctx, flags, [container, ...cmd]) {
    const detach = flags.bool('detach');
    const tty = flags.bool('tty');
    const stdin = flags.bool('interactive') && !detach;
    if (!detach && tty && stdin && !ctx.stdin.isTTY) throw new ExitError(1, 'the input device is not a TTY');
    const client = ctx.client();
    const execId = await containerExec(client, container!, {
      AttachStdin: stdin,
      AttachStdout: !detach,
      AttachStderr: !detach,
      Tty: tty,
      Env: buildEnv(flags, ctx.env),
      Cmd: cmd,
      Privileged: flags.bool('privileged'),
      User: flags.string('user') ?? '',
      WorkingDir: flags.string('workdir') ?? '',
      DetachKeys: flags.string('detach-keys') ?? ctx.configFile().detachKeys,
    });
    if (detach) {
      await execStartDetached(client, execId, { Tty: tty });
      return 0;
    }
    // The first size goes with the start, so the process's first output is laid out for it.
    const rows = ctx.stdout.isTTY ? ctx.stdout.rows ?? 0 : 0;
    const cols = ctx.stdout.isTTY ? ctx.stdout.columns ?? 0 : 0;
    const conn = await execStart(client, execId, { Tty: tty, ...(tty && rows > 0 && cols > 0 ? { ConsoleSize: [rows, cols] as [number, number] } : {}) });
    const stopResize = tty ? followTerminalSize(ctx, (size) => execResize(client, execId, size)) : () => {};
    try {
      await pumpStreams(ctx, conn, { tty, stdin });
    } finally {
      stopResize();
    }
    const info = await execInspect(client, execId);
    // a process that never started has no code yet; docker reports it as not invokable
    return info.ExitCode ?? 126;
  },
};
