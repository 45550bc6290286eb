import * as net from 'node:net';

type WriteCallback = (err?: Error | null) => void;
interface WritableInternals {
  _write(chunk: unknown, encoding: BufferEncoding, cb: WriteCallback): void;
  _writev?(chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, cb: WriteCallback): void;
}

/**
 * Opens a connection for a request that uploads a stream (load, import, build).
 *
 * A daemon may refuse an upload part-way, a bad tarball say, by answering at once and closing
 * the connection. The client's next write then fails with EPIPE, and Node destroys a socket
 * whose write failed, dropping the answer that is still unread in it: the user would see
 * "write EPIPE" instead of the daemon's reason. Here a failed write is reported to `onWriteFailed`
 * and the rest of the upload is dropped, while the socket stays open for reading, so the
 * request still gets its response, as the docker CLI does.
 */
export function uploadConnection(connect: () => net.Socket, onWriteFailed: (err: Error) => void): net.Socket {
  const socket = connect();
  const internals = socket as unknown as WritableInternals;
  let failed = false;
  const guard = (cb: WriteCallback): WriteCallback => (err) => {
    if (err && !failed) {
      failed = true;
      onWriteFailed(err);
    }
    cb();
  };
  const write = internals._write.bind(socket);
  internals._write = (chunk, encoding, cb) => {
    if (failed) { cb(); return; }
    write(chunk, encoding, guard(cb));
  };
  const writev = internals._writev?.bind(socket);
  if (writev) {
    internals._writev = (chunks, cb) => {
      if (failed) { cb(); return; }
      writev(chunks, guard(cb));
    };
  }
  return socket;
}
