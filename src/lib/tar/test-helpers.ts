import tarStream, { type Header } from 'tar-stream';

/** One entry for {@link makeTar}: a header plus optional content. */
export interface TestEntry extends Partial<Header> {
  name: string;
  body?: string | Buffer;
}

/** Builds a tar archive in memory from entries (test fixtures only: small archives). */
export async function makeTar(entries: TestEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const { body, ...header } of entries) {
    if (body !== undefined) pack.entry({ ...header, size: Buffer.byteLength(body) }, body);
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}
