import { containerList } from '../../../client/container-list.js';
import { containerStats } from '../../../client/container-stats.js';
import type { ContainerStatsResponse } from '../../../api/stats.js';
import type { Command } from '../../command.js';
import type { CliContext } from '../../context.js';
import { describeError } from '../../errors.js';
import { writeFixedTable, writeFormatted } from '../../format/output.js';
import { placeholderRow, STATS_DEFAULT_FORMAT, STATS_HEADERS, statsRow, type StatsRow } from '../../format/stats-row.js';

/** How often a streaming table is redrawn. */
const REDRAW_MS = 1000;

/** One container being watched: the latest frame's row, and whether its stream is still open. */
interface Watched {
  container: string;
  row: StatsRow;
  open: boolean;
}

/** Renders the table into a string (so a TTY redraw can write it in one go). */
async function renderTable(ctx: CliContext, format: string, rows: StatsRow[]): Promise<string> {
  let text = '';
  const buffered: CliContext = Object.create(ctx) as CliContext;
  buffered.out = (t: string): void => { text += t; };
  if (!format || format === 'table') {
    writeFixedTable(buffered, STATS_HEADERS_LIST, rows.map((r) => [r.ID, r.Name, r.CPUPerc, r.MemUsage, r.MemPerc, r.NetIO, r.BlockIO, r.PIDs]));
  } else {
    await writeFormatted(buffered, format, { defaultFormat: STATS_DEFAULT_FORMAT, headers: STATS_HEADERS, rows });
  }
  return text;
}

const STATS_HEADERS_LIST = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'];

/**
 * Redraws in place the way docker does on a terminal: cursor home, each line followed by
 * erase-to-end-of-line, then erase below (a shorter table leaves nothing behind).
 */
function inPlace(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return `\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`;
}

/** `berth stats`: a live table of containers' resource usage. */
export const command: Command = {
  spec: {
    name: 'stats',
    usage: '[OPTIONS] [CONTAINER...]',
    description: 'Display a live stream of container(s) resource usage statistics',
    aliases: ['container stats', 'stats'],
    flags: [
      { name: 'all', short: 'a', kind: 'bool', description: 'Show all containers (default shows just running)' },
      { name: 'format', kind: 'string', description: 'Format output using a custom template' },
      { name: 'no-stream', kind: 'bool', description: 'Disable streaming stats and only pull the first result' },
      { name: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
    ],
  },
  async run(ctx, flags, names) {
    const noTrunc = flags.bool('no-trunc');
    const stream = !flags.bool('no-stream');
    const format = flags.string('format') ?? ctx.configFile().statsFormat ?? '';
    const explicit = names.length > 0;
    const targets = explicit
      ? names
      : (await containerList(ctx.client(), { all: flags.bool('all') })).map((c) => c.Id.slice(0, 12));

    const abort = new AbortController();
    const watched: Watched[] = targets.map((container) => ({ container, row: placeholderRow(container, { noTrunc }), open: true }));
    // Each stream's first frame (or error) settles its promise; later frames only update the row.
    const firsts = watched.map((w) => new Promise<unknown>((settle) => {
      void (async () => {
        let first = true;
        try {
          for await (const frame of containerStats(ctx.client(), w.container, { stream, signal: abort.signal })) {
            w.row = statsRow(w.container, frame as ContainerStatsResponse, { noTrunc });
            if (first) settle(undefined);
            first = false;
          }
        } catch (err) {
          if (first) settle(err);
          first = false;
        } finally {
          w.open = false;
          if (first) settle(undefined);
        }
      })();
    }));
    const errors = (await Promise.all(firsts)).filter((e) => e !== undefined);
    if (errors.length > 0 && explicit) {
      abort.abort();
      ctx.err(`${errors.map((e) => describeError(e)).join('\n')}\n`);
      return 1;
    }
    if (!stream) {
      ctx.out(await renderTable(ctx, format, watched.map((w) => w.row)));
      return 0;
    }
    const tty = ctx.stdout.isTTY === true;
    if (tty) ctx.out('\x1b[2J');
    for (;;) {
      // A container whose stream ended (removed) leaves the table, as in docker.
      const rows = watched.filter((w) => w.open || explicit).map((w) => w.row);
      const text = await renderTable(ctx, format, rows);
      ctx.out(tty ? inPlace(text) : text);
      if (!explicit && watched.every((w) => !w.open) && watched.length > 0) return 0;
      await new Promise((resolve) => setTimeout(resolve, REDRAW_MS));
    }
  },
};
