import type { Readable } from 'node:stream';

/** What conmon reports on its sync pipe after `<runtime> create`. */
export interface SyncMessage {
  /** The container's pid, or negative on failure. */
  data: number;
  message?: string;
}

/**
 * Reads conmon's first JSON message from the sync pipe. The write end is also held by the
 * daemonized conmon for the container's whole life, so we cannot wait for EOF: parse as soon as
 * a complete object has arrived. Resolves undefined if the pipe closes first.
 */
export function readSyncMessage(pipe: Readable, timeoutMs: number): Promise<SyncMessage | undefined> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (err: Error | undefined, msg?: SyncMessage): void => {
      clearTimeout(timer);
      pipe.removeAllListeners('data');
      pipe.destroy();
      if (err) reject(err); else resolve(msg);
    };
    const timer = setTimeout(() => finish(new Error(`conmon did not report within ${timeoutMs} ms`)), timeoutMs);
    pipe.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const msg = tryParse(text);
      if (msg) finish(undefined, msg);
    });
    pipe.on('error', (err) => finish(err));
    pipe.on('close', () => finish(undefined, tryParse(text)));
  });
}

function tryParse(text: string): SyncMessage | undefined {
  // Messages are newline separated; take the first complete one.
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      const obj = JSON.parse(trimmed) as Partial<SyncMessage>;
      if (typeof obj.data === 'number') return { data: obj.data, message: typeof obj.message === 'string' ? obj.message : undefined };
    } catch { /* incomplete */ }
  }
  return undefined;
}
