import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import tarStream, { type Header } from 'tar-stream';
import { execOk } from '../sys/exec.js';

/** Where Debian's busybox-static installs its binary. */
export const HOST_BUSYBOX = '/bin/busybox';

/** Fixed timestamp of every entry (and of the image), so the image id only depends on the binary. */
export const BUSYBOX_EPOCH = new Date('2024-01-01T00:00:00Z');

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'bin:x:2:2:bin:/bin:/bin/false',
  'sys:x:3:3:sys:/dev:/bin/false',
  'sync:x:4:100:sync:/bin:/bin/sync',
  'mail:x:8:8:mail:/var/spool/mail:/bin/false',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'operator:x:37:37:Operator:/var:/bin/false',
  'nobody:x:65534:65534:nobody:/home:/bin/false',
].join('\n') + '\n';

const GROUP = [
  'root:x:0:', 'daemon:x:1:', 'bin:x:2:', 'sys:x:3:', 'adm:x:4:', 'tty:x:5:', 'disk:x:6:', 'lp:x:7:',
  'mail:x:8:', 'kmem:x:9:', 'wheel:x:10:root', 'cdrom:x:11:', 'dialout:x:18:', 'floppy:x:19:',
  'video:x:28:', 'audio:x:29:', 'tape:x:32:', 'www-data:x:33:', 'operator:x:37:', 'utmp:x:43:',
  'plugdev:x:46:', 'staff:x:50:', 'lock:x:54:', 'netdev:x:82:', 'users:x:100:', 'nobody:x:65534:',
].join('\n') + '\n';

const DIRS: Array<[string, number]> = [
  ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['proc', 0o755], ['root', 0o700],
  ['sbin', 0o755], ['sys', 0o755], ['tmp', 0o1777], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755],
  ['var', 0o755], ['var/spool', 0o755], ['var/spool/mail', 0o755], ['var/www', 0o755],
];

/** The applets the host busybox provides, sorted (so the tar does not depend on list order). */
export async function busyboxApplets(busybox = HOST_BUSYBOX): Promise<string[]> {
  const { stdout } = await execOk(busybox, ['--list']);
  const names = stdout.split('\n').map((s) => s.trim()).filter((s) => s !== '' && s !== 'busybox' && !s.includes('/'));
  return [...new Set(names)].sort();
}

function entry(pack: tarStream.Pack, header: Partial<Header> & { name: string }, body?: string): Promise<void> {
  const full = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: BUSYBOX_EPOCH, ...header };
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (body === undefined) pack.entry(full, cb);
    else pack.entry({ ...full, size: Buffer.byteLength(body) }, body, cb);
  });
}

async function fileEntry(pack: tarStream.Pack, name: string, path: string, mode: number): Promise<void> {
  const { size } = await stat(path);
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry({ name, size, mode, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: BUSYBOX_EPOCH }, (err) => (err ? reject(err) : resolve()));
    const src = createReadStream(path);
    src.on('error', reject);
    src.on('data', (chunk) => {
      if (!sink.write(chunk)) {
        src.pause();
        sink.once('drain', () => src.resume());
      }
    });
    src.on('end', () => (sink as unknown as { end(): void }).end());
  });
}

/**
 * A tar stream of a minimal root filesystem around the host's static busybox: the binary, one
 * symlink per applet in /bin, passwd/group and the usual top-level dirs. Every entry has fixed
 * owner and mtime, so the same binary always gives the same bytes (and the same image id).
 */
export function busyboxRootfsTar(busybox = HOST_BUSYBOX): Readable {
  const pack = tarStream.pack();
  const fill = async (): Promise<void> => {
    const applets = await busyboxApplets(busybox);
    for (const [name, mode] of DIRS) await entry(pack, { name: `${name}/`, type: 'directory', mode });
    await fileEntry(pack, 'bin/busybox', busybox, 0o755);
    for (const applet of applets) await entry(pack, { name: `bin/${applet}`, type: 'symlink', linkname: 'busybox', mode: 0o777 });
    await entry(pack, { name: 'etc/passwd', mode: 0o644 }, PASSWD);
    await entry(pack, { name: 'etc/group', mode: 0o644 }, GROUP);
    await entry(pack, { name: 'etc/shadow', mode: 0o640 }, 'root:*:10933:0:99999:7:::\nnobody:*:10933:0:99999:7:::\n');
    pack.finalize();
  };
  fill().catch((err: Error) => pack.destroy(err));
  return Readable.from(pack as unknown as AsyncIterable<Buffer>);
}
