import { containerInspect } from '../../../client/container-inspect.js';
import { containerLogs } from '../../../client/container-logs.js';
import { FrameDecoder, STDERR, STDOUT } from '../../../lib/streams/stdcopy.js';
import type { Command } from '../../command.js';
import { parseTimestamp } from '../../format/timestamp.js';

/** `berth logs`: prints (and with -f follows) a container's output. */
export const command: Command = {
  spec: {
    name: 'logs',
    usage: '[OPTIONS] CONTAINER',
    description: 'Fetch the logs of a container',
    aliases: ['container logs', 'logs'],
    args: { min: 1, max: 1 },
    flags: [
      { name: 'details', kind: 'bool', description: 'Show extra details provided to logs' },
      { name: 'follow', short: 'f', kind: 'bool', description: 'Follow log output' },
      { name: 'since', kind: 'string', description: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
      { name: 'tail', short: 'n', kind: 'string', default: 'all', description: 'Number of lines to show from the end of the logs' },
      { name: 'timestamps', short: 't', kind: 'bool', description: 'Show timestamps' },
      { name: 'until', kind: 'string', description: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    ],
  },
  async run(ctx, flags, [name]) {
    const client = ctx.client();
    const time = (flag: string): string | undefined => {
      const v = flags.string(flag);
      if (!v) return undefined;
      try {
        return parseTimestamp(v);
      } catch (err) {
        throw new Error((err as Error).message.replace('"since"', `"${flag}"`));
      }
    };
    const since = time('since');
    const until = time('until');
    // the stream is framed unless the container has a TTY, which only inspect tells
    const info = await containerInspect(client, name!);
    const res = await containerLogs(client, name!, {
      follow: flags.bool('follow'),
      since,
      until,
      timestamps: flags.bool('timestamps'),
      tail: flags.string('tail'),
      details: flags.bool('details'),
    });
    const onSignal = (): void => { res.destroy(); };
    process.once('SIGINT', onSignal);
    try {
      if (info.Config.Tty) {
        for await (const chunk of res) ctx.stdout.write(chunk as Buffer);
      } else {
        const decoder = new FrameDecoder();
        for await (const chunk of res) {
          for (const f of decoder.push(chunk as Buffer)) {
            if (f.stream === STDOUT) ctx.stdout.write(f.payload);
            else if (f.stream === STDERR) ctx.stderr.write(f.payload);
          }
        }
      }
    } catch (err) {
      if (!res.destroyed) throw err;
    } finally {
      process.off('SIGINT', onSignal);
    }
    return 0;
  },
};
