import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Messages conmon reads from its `ctl` fifo. */
export const CtlMessage = {
  /** "1 <height> <width>": resize the container's terminal. */
  resize: (height: number, width: number): string => `1 ${height} ${width}\n`,
  /** "2 0 0": reopen the log file (after it was renamed aside). */
  reopenLog: (): string => '2 0 0\n',
} as const;

/**
 * Writes one message to a conmon fifo. Opening non-blocking fails with ENXIO rather than hanging
 * when no monitor holds the read end (it has exited).
 */
export async function writeFifo(fifo: string, message: string): Promise<void> {
  const fh = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    await fh.write(message);
  } finally {
    await fh.close();
  }
}
