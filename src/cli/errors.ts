import { messageOf } from '../lib/errors/index.js';

/** Docker's exit code when the daemon or the CLI itself fails (`docker run`). */
export const EXIT_DAEMON_ERROR = 125;
/** Docker's exit code when the contained command cannot be invoked. */
export const EXIT_CANNOT_INVOKE = 126;
/** Docker's exit code when the contained command is not found. */
export const EXIT_NOT_FOUND = 127;

/** An error that already knows its exit code (and whether it was printed). */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message = '') {
    super(message);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}

/** Whether an error came from the daemon (a rebuilt kind with an HTTP status). */
export function isDaemonError(err: unknown): boolean {
  return typeof (err as { status?: unknown })?.status === 'number';
}

/**
 * The line the docker CLI prints for an error: daemon answers get `Error response from daemon: `,
 * everything else its own message.
 */
export function describeError(err: unknown): string {
  if (isDaemonError(err)) return `Error response from daemon: ${messageOf(err)}`;
  return messageOf(err);
}

/**
 * The exit code `docker run`/`docker start` use for a failure to start: 126 when the command
 * cannot be invoked, 127 when it does not exist, 125 otherwise. The daemon only gives a message
 * here (the runtime's), so matching its text is the one place the CLI looks at wording, as
 * docker/cli's container/run.go does.
 */
export function runFailureExitCode(err: unknown): number {
  const msg = messageOf(err);
  if (/executable file not found|no such file or directory|not found in \$PATH/i.test(msg)) return EXIT_NOT_FOUND;
  if (/permission denied|cannot execute|is a directory/i.test(msg)) return EXIT_CANNOT_INVOKE;
  return EXIT_DAEMON_ERROR;
}
