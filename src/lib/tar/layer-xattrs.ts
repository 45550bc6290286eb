import { spawn } from 'node:child_process';
import { InternalError } from '../errors/index.js';
import { isCarriedXattr } from './xattrs.js';

const OPAQUE_XATTR = 'trusted.overlay.opaque';


/** What {@link readLayerXattrs} found under a tree; paths are relative to it ("" is the root). */
export interface LayerXattrs {
  /** Directories overlayfs treats as opaque (trusted.overlay.opaque=y). */
  opaque: Set<string>;
  /** Attributes to carry into a layer tar, per path, names in byte order. */
  carried: Map<string, Array<[name: string, value: Buffer]>>;
}

/** getfattr writes bytes it will not print as "\ooo"; names are bytes, read back as UTF-8. */
function unescapeName(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const m = /^\\([0-7]{3})/.exec(s.slice(i, i + 4));
    if (m) {
      bytes.push(parseInt(m[1]!, 8));
      i += 3;
    } else {
      bytes.push(s.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The overlay markers and carried attributes of everything under `root`. Node cannot read
 * xattrs, so this runs ONE `getfattr -R` over the whole tree (package attr), never one process
 * per file; it does not follow symlinks.
 */
export function readLayerXattrs(root: string, signal?: AbortSignal): Promise<LayerXattrs> {
  return new Promise((resolve, reject) => {
    const pattern = '^(trusted\\.overlay\\.opaque|security\\.capability|user\\..*)$';
    const child = spawn('getfattr', ['-R', '-P', '-h', '--absolute-names', '-e', 'hex', '-d', '-m', pattern, '.'], {
      cwd: root,
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal ? { signal } : {}),
    });
    const found: LayerXattrs = { opaque: new Set(), carried: new Map() };
    let pending = '';
    let file: string | undefined;
    let stderr = '';
    const line = (l: string): void => {
      if (l.startsWith('# file: ')) {
        const name = unescapeName(l.slice('# file: '.length));
        file = name === '.' ? '' : name.replace(/^\.\//, '');
        return;
      }
      const m = /^([^=]+)=0x([0-9a-f]*)$/.exec(l);
      if (file === undefined || !m) return;
      const [, attr, hex] = m as unknown as [string, string, string];
      if (attr === OPAQUE_XATTR) {
        if (hex === '79') found.opaque.add(file);
      } else if (isCarriedXattr(attr)) {
        const list = found.carried.get(file) ?? [];
        list.push([attr, Buffer.from(hex, 'hex')]);
        list.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
        found.carried.set(file, list);
      }
    };
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (d: string) => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) line(l);
    });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
    child.on('error', (err) => reject(new InternalError(`getfattr: ${err.message} (install the attr package)`, { cause: err })));
    child.on('close', (code) => {
      if (pending !== '') line(pending);
      // Exit status 1 with no message only means some file had no attribute to show.
      if (code === 0 || (code === 1 && stderr.trim() === '')) resolve(found);
      else reject(new InternalError(`getfattr over ${root}: exit status ${code}: ${stderr.trim()}`));
    });
  });
}
