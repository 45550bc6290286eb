import { containerAttach } from '../../../client/container-attach.js';
import { containerInspect } from '../../../client/container-inspect.js';
import { containerKill } from '../../../client/container-kill.js';
import { containerResize } from '../../../client/container-resize.js';
import { containerWait } from '../../../client/container-wait.js';
import type { Command } from '../../command.js';
import { followTerminalSize, proxySignals, pumpStreams } from './stream-io.js';

/** `berth attach`: connects the terminal to a running container's stdio. */
export const command: Command = {
  spec: {
    name: 'attach',
    usage: '[OPTIONS] CONTAINER',
    description: 'Attach local standard input, output, and error streams to a running container',
    aliases: ['container attach', 'attach'],
    args: { min: 1, max: 1 },
    flags: [
      { name: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching a container' },
      { name: 'no-stdin', kind: 'bool', description: 'Do not attach STDIN' },
      { name: 'sig-proxy', kind: 'bool', default: true, description: 'Proxy all received signals to the process' },
    ],
  },
  async run(ctx, flags, [name]) {
    const client = ctx.client();
    const info = await containerInspect(client, name!);
    if (!info.State.Running) throw new Error('You cannot attach to a stopped container, start it first');
    if (info.State.Paused) throw new Error('You cannot attach to a paused container, unpause it first');
    const tty = info.Config.Tty === true;
    const stdin = !flags.bool('no-stdin') && info.Config.OpenStdin === true;
    const conn = await containerAttach(client, name!, { stream: true, stdin, stdout: true, stderr: true, detachKeys: flags.string('detach-keys') ?? ctx.configFile().detachKeys });
    const stopResize = tty ? followTerminalSize(ctx, (size) => containerResize(client, name!, size), { nudge: true }) : () => {};
    const stopSignals = flags.bool('sig-proxy') && !tty
      ? proxySignals((signal) => { containerKill(client, name!, { signal }).catch(() => {}); })
      : () => {};
    try {
      await pumpStreams(ctx, conn, { tty, stdin });
      const after = await containerInspect(client, name!).catch(() => undefined);
      if (after?.State.Running) return 0; // detached with the detach keys
      const res = await containerWait(client, name!).catch(() => ({ StatusCode: after?.State.ExitCode ?? 0 }));
      return res.StatusCode;
    } finally {
      stopResize();
      stopSignals();
    }
  },
};
