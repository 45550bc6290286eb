import type { Duplex } from 'node:stream';

/** Where a hijacked connection's input goes. */
export interface StdinTarget {
  /** A promise asks for no more input until it settles (the process is not reading). */
  write(chunk: Buffer): Promise<void> | void;
  /** The client closed its side: EOF for the process. */
  end(): void;
  /** The detach keys were typed: end the session, leave the process running. */
  detach(): void;
}

/**
 * Feeds a hijacked client's input (starting with the bytes read along with the request) to a
 * process, only as fast as it takes it. `detachKeys` are looked for only with a TTY, as Docker
 * does: binary stdin may contain any byte sequence.
 */
export function pumpStdin(socket: Duplex, head: Buffer, target: StdinTarget, detachKeys?: Buffer): void {
  let matched = 0;
  let detached = false;
  const onData = (chunk: Buffer): void => {
    if (detached) return;
    for (let i = 0; detachKeys && detachKeys.length > 0 && i < chunk.length; i++) {
      if (chunk[i] === detachKeys[matched]) {
        matched++;
        if (matched === detachKeys.length) {
          detached = true;
          target.detach();
          return;
        }
      } else matched = chunk[i] === detachKeys[0] ? 1 : 0;
    }
    const wait = target.write(chunk);
    if (wait) {
      socket.pause();
      void wait.then(() => socket.resume());
    }
  };
  if (head.length) onData(head);
  socket.on('data', onData);
  socket.on('end', () => { if (!detached) target.end(); });
  socket.resume();
}
