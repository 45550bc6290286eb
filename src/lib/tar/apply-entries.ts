import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import type { TarHeader } from './header.js';

/** Something that makes a tar's entries somewhere, one after the other. */
export interface TarEntryWriter {
  /** Makes one entry; may leave part of `body` unread. */
  apply(h: TarHeader, body: AsyncIterable<Buffer>): Promise<void>;
  /** Runs once every entry was applied. */
  finish(): Promise<void>;
}

export interface ApplyTarEntriesOptions {
  /** The streams the source goes through before tar parsing (decompression, metering, …); not empty. */
  stages: Duplex[];
  writer: TarEntryWriter;
  /** Removes what the writer made; awaited on any failure before the error is rethrown. */
  undo: () => Promise<void>;
  signal?: AbortSignal | undefined;
}

/**
 * Feeds `source` through `stages` into a tar parser and applies each entry with the writer.
 *
 * The source is piped in rather than made part of the pipeline, so that a failure tears down our
 * stages but never the caller's stream: on error the source is unpiped and the rest of it is read
 * and dropped (see {@link discardRest}), then `undo` runs and the error is rethrown unchanged.
 */
export async function applyTarEntries(source: Readable, opts: ApplyTarEntriesOptions): Promise<void> {
  const { stages, writer, signal } = opts;
  const first = stages[0]!;
  const extract = tarStream.extract();
  const feeding = pipeline([...stages, extract as unknown as NodeJS.WritableStream], signal ? { signal } : {});
  feeding.catch(() => undefined);
  const forwardError = (err: Error): void => { first.destroy(err); };
  source.once('error', forwardError);
  source.pipe(first);
  try {
    for await (const entry of extract) {
      signal?.throwIfAborted();
      const body = entry as unknown as AsyncIterable<Buffer>;
      await writer.apply(entry.header as TarHeader, body);
      for await (const _ of body) { /* drain what apply left unread */ }
    }
    await feeding;
    await writer.finish();
  } catch (err) {
    source.off('error', forwardError);
    source.unpipe(first);
    discardRest(source);
    for (const stage of stages) stage.destroy();
    extract.destroy();
    await opts.undo();
    throw err;
  }
  source.off('error', forwardError);
}

/**
 * Stops using `source` without destroying it: the rest is read and dropped. The source is often
 * an HTTP request body, and destroying it closes the socket before the error status can be sent,
 * so the client saw "EOF" or "broken pipe" instead of the reason.
 */
export function discardRest(source: Readable): void {
  source.on('error', () => undefined);
  source.resume();
}
