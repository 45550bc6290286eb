import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import tarStream from 'tar-stream';
import { packLayer } from './pack-layer.js';
import { makeTar } from './test-helpers.js';
import { unpackLayer } from './unpack-layer.js';
import { skipUnlessRoot } from '../testing/needs-root.js';

const skip = skipUnlessRoot('whiteout devices, trusted.* xattrs');

async function collect(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

interface Seen { name: string; type: string; linkname?: string | null; body: string; mode?: number; uid?: number; pax?: Record<string, string> | null }

async function entries(tar: Buffer): Promise<Seen[]> {
  const out: Seen[] = [];
  const ex = tarStream.extract();
  const done = (async () => {
    for await (const e of ex) {
      const body = (await collect(e as unknown as Readable)).toString();
      out.push({ name: e.header.name, type: e.header.type ?? 'file', linkname: e.header.linkname, body, mode: e.header.mode, uid: e.header.uid, pax: (e.header as { pax?: Record<string, string> | null }).pax });
    }
  })();
  ex.end(tar);
  await done;
  return out;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('packLayer', { skip }, () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'berth-pack-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  const longName = `d/${'n'.repeat(150)}`;
  const layer = (): Promise<Buffer> => makeTar([
    { name: 'd/', type: 'directory', mode: 0o755, mtime: new Date(1_000_000_000_000) },
    { name: 'd/a.txt', body: 'alpha', mode: 0o640, uid: 1000, gid: 100, mtime: new Date(1_000_000_000_000) },
    { name: 'd/hard', type: 'link', linkname: 'd/a.txt' },
    { name: 'd/sym', type: 'symlink', linkname: '../etc/passwd' },
    { name: longName, body: 'long' },
    { name: 'd/ünï', body: 'utf8' },
    { name: 'd/tagged', body: 't', pax: { 'SCHILY.xattr.user.berth': 'hello', 'SCHILY.xattr.trusted.overlay.redirect': 'x' } },
    { name: 'opq/', type: 'directory', mode: 0o700 },
    { name: 'opq/.wh..wh..opq', body: '' },
    { name: 'opq/kept', body: 'k' },
    { name: '.wh.gone', body: '' },
    { name: 'dev/', type: 'directory', mode: 0o755 },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
    { name: 'dev/fifo', type: 'fifo', mode: 0o600 },
  ]);

  it('turns overlay whiteouts and opaque dirs into OCI entries, in byte order, readable by GNU tar', async () => {
    const a = join(dir, 'a');
    await mkdir(a);
    await unpackLayer(Readable.from([await layer()]), a, { allowDevices: true });
    assert.ok((await lstat(join(a, 'gone'))).isCharacterDevice());
    const tar = await collect(packLayer(a));
    const seen = await entries(tar);
    assert.deepEqual(seen.map((e) => e.name), [
      // A whiteout sorts under the name it hides ("gone"), where the overlay keeps it.
      'd/', 'd/a.txt', 'd/hard', longName, 'd/sym', 'd/tagged', 'd/ünï', 'dev/', 'dev/fifo', 'dev/null', '.wh.gone', 'opq/', 'opq/.wh..wh..opq', 'opq/kept',
    ]);
    const by = new Map(seen.map((e) => [e.name, e]));
    assert.equal(by.get('d/a.txt')!.body, 'alpha');
    assert.equal(by.get('d/a.txt')!.mode, 0o640);
    assert.equal(by.get('d/a.txt')!.uid, 1000);
    assert.equal(by.get(longName)!.body, 'long');
    assert.equal(by.get('d/ünï')!.body, 'utf8');
    assert.deepEqual([by.get('d/hard')!.type, by.get('d/hard')!.linkname], ['link', 'd/a.txt']);
    assert.deepEqual([by.get('d/sym')!.type, by.get('d/sym')!.linkname], ['symlink', '../etc/passwd']);
    assert.equal(by.get('dev/null')!.type, 'character-device');
    assert.equal(by.get('.wh.gone')!.type, 'file');
    assert.equal(by.get('opq/.wh..wh..opq')!.body, '');
    // user.* attributes travel as unpacking keeps them; overlay's own never leave the host.
    assert.equal(by.get('d/tagged')!.pax?.['SCHILY.xattr.user.berth'], 'hello');
    assert.equal(by.get('d/tagged')!.pax?.['SCHILY.xattr.trusted.overlay.redirect'], undefined);
    assert.equal(by.get('opq/')!.pax?.['SCHILY.xattr.trusted.overlay.opaque'], undefined);
    // GNU tar reads it without complaint and sees the same names.
    await writeFile(join(dir, 'a.tar'), tar);
    const listed = execFileSync('tar', ['-tf', join(dir, 'a.tar')], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listed, seen.map((e) => e.name));
  });

  it('gives the same bytes for the same tree, and round-trips through unpack', async () => {
    const a = join(dir, 'a');
    const first = await collect(packLayer(a));
    assert.equal(sha(await collect(packLayer(a))), sha(first));
    const b = join(dir, 'b');
    await mkdir(b);
    await unpackLayer(Readable.from([first]), b, { allowDevices: true });
    assert.equal(sha(await collect(packLayer(b))), sha(first));
    assert.equal(await readFile(join(b, longName), 'utf8'), 'long');
    // Unpacking gives a whiteout the time it was made: that must not change the bytes.
    await utimes(join(b, 'gone'), 12345, 12345);
    assert.equal(sha(await collect(packLayer(b))), sha(first));
    // A change in content or mtime changes the digest.
    await utimes(join(b, 'd/a.txt'), 5, 5);
    assert.notEqual(sha(await collect(packLayer(b))), sha(first));
  });

  it('streams: a large file is never held whole', async () => {
    const c = join(dir, 'c');
    await mkdir(c);
    const big = Buffer.alloc(8 * 1024 * 1024 + 3, 7);
    await writeFile(join(c, 'big'), big);
    let largest = 0;
    const h = createHash('sha256');
    for await (const chunk of packLayer(c)) {
      largest = Math.max(largest, (chunk as Buffer).length);
      h.update(chunk as Buffer);
    }
    assert.ok(largest <= 64 * 1024, `chunk of ${largest} bytes`);
    const seen = await entries(await collect(packLayer(c)));
    assert.equal(seen[0]!.body.length, big.length);
  });
});
