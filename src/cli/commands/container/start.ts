import { containerAttach } from '../../../client/container-attach.js';
import { containerInspect } from '../../../client/container-inspect.js';
import { containerResize } from '../../../client/container-resize.js';
import { containerStart } from '../../../client/container-start.js';
import { containerWait } from '../../../client/container-wait.js';
import { containerKill } from '../../../client/container-kill.js';
import type { Command } from '../../command.js';
import { describeError, ExitError, runFailureExitCode } from '../../errors.js';
import { forEachContainer } from './each-container.js';
import { isNotModified } from '../../../lib/errors/index.js';
import type { CliContext } from '../../context.js';
import { followTerminalSize, proxySignals, pumpStreams } from './stream-io.js';

/** `berth start`: starts stopped containers, or one attached with -a/-i. */
export const command: Command = {
  spec: {
    name: 'start',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Start one or more stopped containers',
    aliases: ['container start', 'start'],
    args: { min: 1 },
    flags: [
      { name: 'attach', short: 'a', kind: 'bool', description: 'Attach STDOUT/STDERR and forward signals' },
      { name: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching a container' },
      { name: 'interactive', short: 'i', kind: 'bool', description: "Attach container's STDIN" },
      { name: 'checkpoint', kind: 'string', hidden: true },
      { name: 'checkpoint-dir', kind: 'string', hidden: true },
    ],
  },
  async run(ctx, flags, args) {
    const attach = flags.bool('attach') || flags.bool('interactive');
    if (!attach) return startDetached(ctx, args);
    if (args.length > 1) throw new Error('you cannot start and attach multiple containers at once');
    const client = ctx.client();
    const name = args[0]!;
    const info = await containerInspect(client, name);
    const tty = info.Config.Tty === true;
    const stdin = flags.bool('interactive') && info.Config.OpenStdin === true;
    const conn = await containerAttach(client, name, { stream: true, stdin, stdout: true, stderr: true, detachKeys: flags.string('detach-keys') ?? ctx.configFile().detachKeys });
    const waiter = containerWait(client, name, { condition: 'next-exit' });
    waiter.catch(() => {});
    try {
      await containerStart(client, name);
    } catch (err) {
      conn.socket.destroy();
      throw new ExitError(runFailureExitCode(err) === 125 ? 1 : runFailureExitCode(err), describeError(err));
    }
    const stopResize = tty ? followTerminalSize(ctx, (size) => containerResize(client, name, size)) : () => {};
    const stopSignals = tty ? () => {} : proxySignals((signal) => { containerKill(client, name, { signal }).catch(() => {}); });
    try {
      await pumpStreams(ctx, conn, { tty, stdin });
      const res = await waiter;
      return res.StatusCode;
    } finally {
      stopResize();
      stopSignals();
    }
  },
};

/**
 * Starts each container without attaching, as docker does: an already-running one (304) counts
 * as started, and failures end with one `failed to start containers` line.
 */
async function startDetached(ctx: CliContext, names: string[]): Promise<number> {
  const failed: string[] = [];
  await forEachContainer(ctx, names, async (name) => {
    try {
      await containerStart(ctx.client(), name).catch((err: unknown) => { if (!isNotModified(err)) throw err; });
    } catch (err) {
      failed.push(name);
      throw err;
    }
  });
  if (failed.length) ctx.err(`failed to start containers: ${failed.join(', ')}\n`);
  return failed.length ? 1 : 0;
}
