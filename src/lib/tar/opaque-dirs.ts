import { spawn } from 'node:child_process';
import { InternalError } from '../errors/index.js';

const OPAQUE_XATTR = 'trusted.overlay.opaque';

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
 * The directories under `root` that overlayfs treats as opaque (xattr trusted.overlay.opaque=y),
 * as paths relative to `root` ("" for the root itself). Node cannot read xattrs, so this runs ONE
 * `getfattr -R` over the whole tree (package attr) instead of one process per directory.
 */
export function readOpaqueDirs(root: string, signal?: AbortSignal): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('getfattr', ['-R', '-P', '-h', '--absolute-names', '-e', 'text', '-d', '-m', `^${OPAQUE_XATTR.replaceAll('.', '\\.')}$`, '.'], {
      cwd: root,
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal ? { signal } : {}),
    });
    const found = new Set<string>();
    let pending = '';
    let file: string | undefined;
    let stderr = '';
    const line = (l: string): void => {
      if (l.startsWith('# file: ')) {
        const name = unescapeName(l.slice('# file: '.length));
        file = name === '.' ? '' : name.replace(/^\.\//, '');
      } else if (file !== undefined && l === `${OPAQUE_XATTR}="y"`) {
        found.add(file);
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
