import type { CliContext } from './context.js';

/**
 * Asks a yes/no question on stdout and reads one line of stdin; anything but `y`/`yes` is no,
 * as in docker's `command.PromptForConfirmation`.
 */
export async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  ctx.out(question);
  const answer = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) { cleanup(); resolve(buf.slice(0, nl)); }
    };
    const onEnd = (): void => { cleanup(); resolve(buf); };
    const cleanup = (): void => { ctx.stdin.off('data', onData); ctx.stdin.off('end', onEnd); ctx.stdin.pause(); };
    ctx.stdin.on('data', onData);
    ctx.stdin.on('end', onEnd);
    ctx.stdin.resume();
  });
  return /^\s*y(es)?\s*$/i.test(answer);
}
