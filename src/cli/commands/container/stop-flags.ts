import type { FlagSpec, ParsedFlags } from '../../flags.js';

/** The flags `stop` and `restart` share, as docker spells them (`--time` is the old name). */
export const STOP_FLAGS: FlagSpec[] = [
  { name: 'signal', short: 's', kind: 'string', description: 'Signal to send to the container' },
  { name: 'timeout', short: 't', kind: 'int', description: 'Seconds to wait before killing the container' },
  { name: 'time', kind: 'int', hidden: true },
];

/** The stop options those flags give. */
export function stopOptions(flags: ParsedFlags): { timeout?: number; signal?: string } {
  return { timeout: flags.int('timeout') ?? flags.int('time'), signal: flags.string('signal') };
}
