import { containerAttach } from '../../../client/container-attach.js';
import { containerInspect } from '../../../client/container-inspect.js';
import { containerDelete } from '../../../client/container-delete.js';
import { containerKill } from '../../../client/container-kill.js';
import { containerResize } from '../../../client/container-resize.js';
import { containerStart } from '../../../client/container-start.js';
import { containerWait } from '../../../client/container-wait.js';
import type { ContainerWaitResponse } from '../../../api/container.js';
import type { Command } from '../../command.js';
import type { CliContext } from '../../context.js';
import { UsageError, type FlagSpec } from '../../flags.js';
import { describeError, ExitError, runFailureExitCode } from '../../errors.js';
import { CREATE_FLAGS, buildCreatePlan } from './create-options.js';
import { createContainer } from './create-container.js';
import { followTerminalSize, proxySignals, pumpStreams } from './stream-io.js';

/** `berth run`: creates and starts a container, attached unless -d. */
export const command: Command = {
  spec: {
    name: 'run',
    usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    description: 'Create and run a new container from an image',
    aliases: ['container run', 'run'],
    stopAtFirstPositional: true,
    args: { min: 1 },
    flags: ([
      ...CREATE_FLAGS,
      { name: 'detach', short: 'd', kind: 'bool', description: 'Run container in background and print container ID' },
      { name: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching a container' },
      { name: 'sig-proxy', kind: 'bool', default: true, description: 'Proxy received signals to the process' },
    ] satisfies FlagSpec[]).sort((a, b) => a.name.localeCompare(b.name)),
  },
  async run(ctx, flags, args) {
    const detached = flags.bool('detach');
    if (!detached && flags.bool('tty') && flags.bool('interactive') && !ctx.stdin.isTTY) {
      // docker refuses before creating anything, so no half-made container is left behind
      throw new ExitError(1, 'the input device is not a TTY');
    }
    let plan;
    try {
      plan = buildCreatePlan(flags, args, ctx.env, detached);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new ExitError(125, `${ctx.prog}: ${(err as Error).message}\n\nRun '${ctx.prog} run --help' for more information`);
    }
    const failed = (err: unknown, code = 125): ExitError =>
      new ExitError(code, `${ctx.prog}: ${describeError(err)}\n\nRun '${ctx.prog} run --help' for more information`);
    let id: string;
    try {
      id = await createContainer(ctx, plan, flags.string('pull') ?? 'missing', flags.bool('quiet'), flags.string('cidfile'));
    } catch (err) {
      throw failed(err);
    }
    const client = ctx.client();
    if (detached) {
      try {
        await containerStart(client, id);
      } catch (err) {
        throw failed(err, runFailureExitCode(err));
      }
      ctx.out(`${id}\n`);
      return 0;
    }
    return runAttached(ctx, id, {
      tty: plan.config.Tty === true,
      stdin: plan.config.AttachStdin === true,
      stdout: plan.config.AttachStdout === true,
      stderr: plan.config.AttachStderr === true,
      autoRemove: plan.config.HostConfig?.AutoRemove === true,
      sigProxy: flags.bool('sig-proxy'),
      detachKeys: flags.string('detach-keys') ?? ctx.configFile().detachKeys,
    }, failed);
  },
};

/** How `run` attaches to the container it made. */
interface AttachPlan {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  autoRemove: boolean;
  sigProxy: boolean;
  detachKeys?: string;
}

/**
 * Docker's attached run: attach first so no output is lost, register the wait before start so
 * a fast exit is not missed, start, copy streams, then exit with the container's code.
 */
async function runAttached(ctx: CliContext, id: string, p: AttachPlan, failed: (err: unknown, code?: number) => ExitError): Promise<number> {
  const client = ctx.client();
  const streams = p.stdin || p.stdout || p.stderr;
  let conn;
  if (streams) {
    try {
      conn = await containerAttach(client, id, { stream: true, stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, detachKeys: p.detachKeys });
    } catch (err) {
      throw failed(err);
    }
  }
  const waiter = containerWait(client, id, { condition: p.autoRemove ? 'removed' : 'next-exit' })
    .then((r): ContainerWaitResponse | Error => r, (err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  try {
    await containerStart(client, id);
  } catch (err) {
    conn?.socket.destroy();
    if (p.autoRemove) await containerDelete(client, id, { force: true }).catch(() => {});
    throw failed(err, runFailureExitCode(err));
  }
  const stopResize = p.tty ? followTerminalSize(ctx, (size) => containerResize(client, id, size)) : () => {};
  const stopSignals = p.sigProxy && !p.tty
    ? proxySignals((signal) => { containerKill(client, id, { signal }).catch(() => {}); })
    : () => {};
  try {
    if (conn) await pumpStreams(ctx, conn, { tty: p.tty, stdin: p.stdin });
    if (p.stdin && await detachedByKeys(ctx, id, waiter)) return 0;
    const result = await waiter;
    if (result instanceof Error) {
      // the container may be gone already (--rm) once output ended: docker then reports 0 too
      throw failed(result);
    }
    if (result.Error?.Message) throw failed(new Error(result.Error.Message));
    return result.StatusCode;
  } finally {
    stopResize();
    stopSignals();
  }
}

/**
 * Whether the stream ended because the user typed the detach keys: the container then keeps
 * running and no exit status comes. Output ending normally means the process is exiting, so a
 * short grace period separates the two cases.
 */
async function detachedByKeys(ctx: CliContext, id: string, waiter: Promise<unknown>): Promise<boolean> {
  const settled = await Promise.race([waiter.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 500).unref())]);
  if (settled) return false;
  const state = await containerInspect(ctx.client(), id).then((c) => c.State, () => undefined);
  return state?.Running === true;
}
