import type { CliContext } from './context.js';
import type { CommandSpec, ParsedFlags } from './flags.js';

/**
 * One CLI command: its spec (usage, flags, positional rules) and what it does. `run` resolves
 * to the process exit code; it throws only for errors main should print the docker way.
 */
export interface Command {
  spec: CommandSpec;
  run(ctx: CliContext, flags: ParsedFlags, args: string[]): Promise<number>;
}

/** Loads a command module on demand so that each invocation imports only what it uses. */
export type CommandLoader = () => Promise<Command>;
