import type { EventMessage } from '../../../api/event.js';
import { systemEvents } from '../../../client/system-events.js';
import { formatTimestamp, parseTimestamp } from '../../../lib/time/timestamp.js';
import type { Command } from '../../command.js';
import { ExitError } from '../../errors.js';
import { parseFilters } from '../../filters.js';
import { eventLine } from '../../format/event-line.js';

/** Renders events through --format; `json` is `{{json .}}`, as in docker. */
async function templateWriter(format: string): Promise<(e: EventMessage) => string> {
  const [{ compileTemplate }, { eventValue }] = await Promise.all([import('../../template/index.js'), import('../../format/event-value.js')]);
  try {
    const tmpl = compileTemplate(format === 'json' ? '{{json .}}' : format);
    // Checked on an empty event first, so a bad template fails before any event arrives.
    tmpl.render(eventValue({ Type: '' as EventMessage['Type'], Action: '', Actor: { ID: '', Attributes: {} } } as unknown as EventMessage));
    return (e) => `${tmpl.render(eventValue(e))}\n`;
  } catch (err) {
    // docker: `Error parsing format: …`, exit status 64
    throw new ExitError(64, `Error parsing format: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function timeFlag(value: string | undefined, now: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  return formatTimestamp(parseTimestamp(value, now));
}

/** `berth events` / `berth system events`: the daemon's events, live or between two times. */
export const command: Command = {
  spec: {
    name: 'events',
    usage: '[OPTIONS]',
    description: 'Get real time events from the server',
    aliases: ['system events', 'events'],
    args: { max: 0 },
    flags: [
      { name: 'filter', short: 'f', kind: 'list', description: 'Filter output based on conditions provided' },
      { name: 'format', kind: 'string', description: "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template." },
      { name: 'since', kind: 'string', description: 'Show all events created since timestamp' },
      { name: 'until', kind: 'string', description: 'Stream events until this timestamp' },
    ],
  },
  async run(ctx, flags) {
    const format = flags.string('format') ?? '';
    const render = format ? await templateWriter(format) : eventLine;
    const now = Date.now();
    const { events, response } = await systemEvents(ctx.client(), {
      since: timeFlag(flags.string('since'), now),
      until: timeFlag(flags.string('until'), now),
      filters: parseFilters(flags.list('filter')),
    });
    let interrupted = false;
    const onSignal = (): void => {
      interrupted = true;
      response.destroy();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for await (const e of events) ctx.out(render(e));
    } catch (err) {
      if (!interrupted) throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return 0;
  },
};
