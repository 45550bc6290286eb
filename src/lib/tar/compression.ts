import { spawn } from 'node:child_process';
import { Duplex, PassThrough, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { createGunzip } from 'node:zlib';
import { InvalidArgumentError } from '../errors/index.js';

/** Compression of a layer, detected from its first bytes (never from a name or media type). */
export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const MAGIC: Array<[Compression, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** The compression whose magic number starts `head`, or "none". */
export function detectCompression(head: Buffer): Compression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  }
  return 'none';
}

/**
 * Reads up to `n` bytes from the start of `source` and puts them back, so the stream can still be
 * consumed from its first byte. Resolves with fewer bytes only when the stream is shorter.
 */
export function peekBytes(source: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const finish = (): void => {
      source.off('readable', onReadable);
      source.off('end', finish);
      source.off('error', onError);
      const head = Buffer.concat(chunks);
      if (head.length > 0) source.unshift(head);
      resolve(head.subarray(0, n));
    };
    const onError = (err: Error): void => {
      source.off('readable', onReadable);
      source.off('end', finish);
      reject(err);
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while (have < n && (chunk = source.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        have += chunk.length;
      }
      if (have >= n) finish();
    };
    source.on('readable', onReadable);
    source.once('end', finish);
    source.once('error', onError);
  });
}

// bzip2 and xz have no decoder in Node: the Debian binaries do it as a filter process.
function spawnFilter(bin: string): Duplex {
  const child = spawn(bin, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
  const out = new PassThrough();
  child.stdout.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(new InvalidArgumentError(`cannot decompress layer: ${bin}: ${err.message}`)));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new InvalidArgumentError(`cannot decompress layer: ${bin}: ${stderr.trim() || `exit status ${code}`}`));
  });
  const duplex = Duplex.from({ writable: child.stdin, readable: out });
  duplex.on('close', () => { if (child.exitCode === null) child.kill(); });
  return duplex;
}

/** Node's own zstd decoder (zlib.createZstdDecompress, Node.js 22.15 and later), if this Node has one. */
function zstdFactory(): (() => Duplex) | undefined {
  return (zlib as unknown as { createZstdDecompress?: () => Duplex }).createZstdDecompress;
}

/** Whether layers compressed with zstd can be unpacked here. */
export function canDecompressZstd(): boolean {
  return zstdFactory() !== undefined;
}

/** A transform that decompresses `kind`, or null for uncompressed input. */
export function decompressor(kind: Compression): Duplex | null {
  switch (kind) {
    case 'none': return null;
    case 'gzip': return createGunzip();
    case 'bzip2': return spawnFilter('bzip2');
    case 'xz': return spawnFilter('xz');
    case 'zstd': {
      const zstd = zstdFactory();
      if (zstd) return zstd();
      throw new InvalidArgumentError(`unsupported layer compression: zstd (Node.js ${process.version} has no zstd decoder; Node.js 22.15 and later have one)`);
    }
  }
}
