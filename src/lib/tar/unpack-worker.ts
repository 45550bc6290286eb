/**
 * The unpacker's worker thread: takes layers, one at a time, from the thread that started it and
 * unpacks their bytes with synchronous file-system calls (see layer-writer.ts), so that neither
 * the daemon's event loop nor Node's small thread pool carries the per-file work.
 */
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { unpackLayerHere } from './unpack-here.js';
import { toWire, type FromWorker, type ToWorker } from './unpack-protocol.js';

const port = parentPort!;
const send = (m: FromWorker): void => port.postMessage(m);

/** The layer being unpacked: its bytes so far, and how to stop it. */
interface Job {
  source: Readable;
  stop: AbortController;
  unacked: number;
}
let job: Job | undefined;

function start(destDir: string, opts: Extract<ToWorker, { type: 'start' }>['opts']): void {
  const j: Job = {
    stop: new AbortController(),
    unacked: 0,
    // Bytes are acknowledged once this buffer has room for them: the sender keeps a bounded
    // amount in flight, so a slow disk slows the download or the archive read, not memory.
    source: new Readable({
      highWaterMark: 1 << 20,
      read() {
        if (j.unacked > 0) {
          send({ type: 'ack', bytes: j.unacked });
          j.unacked = 0;
        }
      },
    }),
  };
  job = j;
  unpackLayerHere(j.source, destDir, { ...opts, signal: j.stop.signal }).then(
    (result) => { job = undefined; send({ type: 'done', result }); },
    (err: unknown) => { job = undefined; send({ type: 'failed', error: toWire(err) }); },
  );
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    start(m.destDir, m.opts);
    return;
  }
  const j = job;
  if (!j) return;
  switch (m.type) {
    case 'chunk': {
      const buf = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      if (j.source.push(buf)) send({ type: 'ack', bytes: buf.length });
      else j.unacked += buf.length;
      break;
    }
    case 'end':
      j.source.push(null);
      break;
    case 'stop':
      // The starting thread throws its own error; this one only has to stop soon.
      j.stop.abort(new Error(m.reason));
      j.source.destroy(new Error(m.reason));
      break;
  }
});
