/**
 * The unpacker's worker thread: takes one layer's bytes from the thread that started it and
 * unpacks them with synchronous file-system calls (see layer-writer.ts), so that neither the
 * daemon's event loop nor Node's small thread pool carries the per-file work.
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { unpackLayerHere } from './unpack-here.js';
import { toWire, type FromWorker, type ToWorker, type UnpackWorkerData } from './unpack-protocol.js';

const port = parentPort!;
const { destDir, opts } = workerData as UnpackWorkerData;
const send = (m: FromWorker): void => port.postMessage(m);

const stop = new AbortController();
let unacked = 0;
// Bytes are acknowledged once this buffer has room for them: the sender keeps a bounded amount
// in flight, so a slow disk slows the download or the archive read rather than filling memory.
const source = new Readable({
  highWaterMark: 1 << 20,
  read() {
    if (unacked > 0) {
      send({ type: 'ack', bytes: unacked });
      unacked = 0;
    }
  },
});

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'chunk': {
      const buf = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      if (source.push(buf)) send({ type: 'ack', bytes: buf.length });
      else unacked += buf.length;
      break;
    }
    case 'end':
      source.push(null);
      break;
    case 'stop':
      // The starting thread throws its own error; this one only has to stop soon.
      stop.abort(new Error(m.reason));
      source.destroy(new Error(m.reason));
      break;
  }
});

unpackLayerHere(source, destDir, { ...opts, signal: stop.signal }).then(
  (result) => send({ type: 'done', result }),
  (err: unknown) => send({ type: 'failed', error: toWire(err) }),
);
