/**
 * One blob coming from the upstream into a file, with any number of readers following it. The
 * download writes at the upstream's pace; each reader reads the file behind it at its own
 * client's pace, so a slow client costs disk, never memory, and never slows the others. Readers
 * get the last byte only once the digest is verified: a blob that does not match ends every
 * reader with an error, so no client takes a corrupt blob for a complete one.
 */
import { EventEmitter } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ChunkRange } from '../backend.js';
import { algorithmOf, hashDigest, newHash } from '../digests.js';
import { registryError } from '../errors.js';

const READ_CHUNK = 256 * 1024;

export class BlobDownload {
  readonly path: string;
  readonly digest: string;
  /** Bytes written to the file so far. */
  #written = 0;
  #done = false;
  #error: Error | undefined;
  readonly #events = new EventEmitter();
  /** Settles once the file exists and the upstream answered (or failed to). */
  readonly started: Promise<void>;
  /** Settles once the whole blob is written and verified (or failed). */
  readonly finished: Promise<void>;

  /** Starts fetching: `fetch` resolves with the upstream's body once its answer is a success. */
  constructor(path: string, digest: string, fetch: () => Promise<AsyncIterable<Buffer>>) {
    this.path = path;
    this.digest = digest;
    this.#events.setMaxListeners(0);
    let fileReady!: () => void;
    const created = new Promise<void>((ok) => { fileReady = ok; });
    let bodyStarted!: () => void;
    const answered = new Promise<void>((ok) => { bodyStarted = ok; });
    this.finished = this.#run(fetch, fileReady, bodyStarted);
    // `started` fails with the download's error when it fails before any byte.
    this.started = Promise.race([Promise.all([created, answered]).then(() => undefined), this.finished]);
    this.finished.catch(() => {});
  }

  get size(): number {
    return this.#written;
  }

  async #run(fetch: () => Promise<AsyncIterable<Buffer>>, fileReady: () => void, bodyStarted: () => void): Promise<void> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(this.path, 'w');
      fileReady();
      const body = await fetch();
      bodyStarted();
      const algorithm = algorithmOf(this.digest);
      const hash = newHash(algorithm);
      for await (const chunk of body) {
        hash.update(chunk);
        await fh.write(chunk);
        this.#written += chunk.length;
        this.#events.emit('progress');
      }
      await fh.sync();
      const actual = hashDigest(algorithm, hash);
      if (actual !== this.digest) {
        throw registryError('unavailable', { expected: this.digest, actual }, undefined, 'upstream registry sent a blob that does not match its digest');
      }
      this.#done = true;
    } catch (err) {
      this.#error = err as Error;
      throw err;
    } finally {
      await fh?.close().catch(() => {});
      this.#events.emit('progress');
    }
  }

  /** Waits until there is more to read than `pos`, or the download ended. */
  #wait(pos: number): Promise<void> {
    return new Promise((ok) => {
      const check = (): void => {
        if (this.#written - 1 > pos || this.#done || this.#error) {
          this.#events.off('progress', check);
          ok();
        }
      };
      this.#events.on('progress', check);
      check();
    });
  }

  /**
   * A reader of the blob (or of `range`, inclusive) that follows the download. Call it after
   * `started` settled, so the file is there to open.
   */
  reader(range?: ChunkRange): Readable {
    let pos = range?.start ?? 0;
    const end = range ? range.end + 1 : Infinity;
    let fh: FileHandle | undefined;
    const pull = async (stream: Readable): Promise<void> => {
      try {
        fh ??= await open(this.path, 'r');
        for (;;) {
          if (this.#error) throw this.#error;
          // Everything but the last byte may go before the digest is checked.
          const available = Math.min(this.#done ? this.#written : this.#written - 1, end);
          if (pos < available) {
            const want = Math.min(READ_CHUNK, available - pos);
            const buf = Buffer.allocUnsafe(want);
            const { bytesRead } = await fh.read(buf, 0, want, pos);
            if (bytesRead === 0) throw new Error(`blob ${this.digest} is shorter on disk than written`);
            pos += bytesRead;
            stream.push(buf.subarray(0, bytesRead));
            return;
          }
          if (this.#done || pos >= end) {
            stream.push(null);
            return;
          }
          await this.#wait(pos);
        }
      } catch (err) {
        stream.destroy(err as Error);
      }
    };
    return new Readable({
      highWaterMark: READ_CHUNK,
      read(): void {
        void pull(this);
      },
      destroy(err, cb): void {
        const h = fh;
        fh = undefined;
        if (h) h.close().then(() => cb(err), () => cb(err));
        else cb(err);
      },
    });
  }
}
