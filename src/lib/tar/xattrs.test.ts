import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isInvalidArgument } from '../errors/index.js';
import { makeTar, needs, pythonTar } from './test-helpers.js';
import { unpackLayer } from './unpack-layer.js';

let base: string;
let n = 0;
async function fresh(): Promise<string> {
  const d = join(base, `x${n++}`);
  await mkdir(d, { recursive: true });
  return d;
}

/** The attribute's value as hex, or null when the file does not have it. */
function xattrHex(path: string, name: string): string | null {
  const r = spawnSync('getfattr', ['-h', '-e', 'hex', '-n', name, path], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const m = /=0x([0-9a-f]*)$/m.exec(r.stdout);
  return m ? m[1]! : '';
}

function allAttrs(path: string): string {
  return spawnSync('getfattr', ['-h', '-d', '-m', '-', path], { encoding: 'utf8' }).stdout;
}

describe('unpackLayer: extended attributes', { ...needs({ root: true, tools: ['setfattr', 'getfattr'] }) }, () => {
  before(async () => { base = await mkdtemp(join(tmpdir(), 'berth-xattr-')); });
  after(async () => { await rm(base, { recursive: true, force: true }); });

  it('keeps file capabilities and user attributes that GNU tar recorded, after the owner is set', needs({ tools: ['tar', 'setcap', 'getcap'] }), async () => {
    const src = await fresh();
    const file = join(src, 'ping');
    await writeFile(file, '#!/bin/true\n');
    await chown(file, 1000, 1000);
    assert.equal(spawnSync('setcap', ['cap_net_raw+ep', file]).status, 0);
    assert.equal(spawnSync('setfattr', ['-n', 'user.origin', '-v', 'image', file]).status, 0);
    await mkdir(join(src, 'dir'));
    assert.equal(spawnSync('setfattr', ['-n', 'user.kind', '-v', 'dir', join(src, 'dir')]).status, 0);
    const tar = spawnSync('tar', ['-C', src, '--xattrs', "--xattrs-include=*", '--format=posix', '-cf', '-', 'ping', 'dir'], { maxBuffer: 1 << 24 });
    assert.equal(tar.status, 0, tar.stderr.toString());

    const dest = await fresh();
    await unpackLayer(Readable.from([tar.stdout]), dest);
    const got = join(dest, 'ping');
    assert.equal((await stat(got)).uid, 1000);
    assert.match(spawnSync('getcap', [got], { encoding: 'utf8' }).stdout, /cap_net_raw[=+]ep/);
    assert.equal(xattrHex(got, 'security.capability'), xattrHex(file, 'security.capability'));
    assert.equal(xattrHex(got, 'user.origin'), Buffer.from('image').toString('hex'));
    assert.equal(xattrHex(join(dest, 'dir'), 'user.kind'), Buffer.from('dir').toString('hex'));
  });

  it('keeps binary values byte for byte', needs({ tools: ['python3'] }), async () => {
    const tar = pythonTar(`
with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as t:
    f = tarfile.TarInfo('f'); f.size = 1
    f.pax_headers = {'SCHILY.xattr.user.bin': bytes([0, 1, 0x7f, 0x80, 0xc3, 0xff, 0x3d, 0x0a]).decode('utf-8', 'surrogateescape')}
    t.addfile(f, io.BytesIO(b'x'))
`);
    const dest = await fresh();
    await unpackLayer(Readable.from([tar]), dest);
    assert.equal(xattrHex(join(dest, 'f'), 'user.bin'), '00017f80c3ff3d0a');
  });

  it('ignores overlay, host and malformed attribute names, forged records of ours and attributes of symlinks', async () => {
    const tar = await makeTar([
      {
        name: 'f', body: 'x', pax: {
          'SCHILY.xattr.trusted.overlay.redirect': '/etc',
          'SCHILY.xattr.trusted.overlay.opaque': 'y',
          'SCHILY.xattr.security.selinux': 'system_u:object_r:shadow_t:s0',
          'SCHILY.xattr.user.x\n# file: /etc/hostname\nuser.pwned': 'y',
          'BERTH.xattr.user.forged': '6869',
          'SCHILY.xattr.user.ok': 'fine',
        },
      },
      { name: 'l', type: 'symlink', linkname: 'f', pax: { 'SCHILY.xattr.user.onlink': 'no' } },
    ]);
    const dest = await fresh();
    await unpackLayer(Readable.from([tar]), dest);
    const attrs = allAttrs(join(dest, 'f'));
    assert.match(attrs, /user\.ok="fine"/);
    assert.doesNotMatch(attrs, /trusted|selinux|forged|pwned/);
    assert.doesNotMatch(allAttrs(join(dest, 'l')), /onlink/);
    assert.doesNotMatch(allAttrs('/etc/hostname'), /pwned/);
  });

  it('refuses a capability the kernel rejects with a client error that names no host path', async () => {
    const tar = await makeTar([{ name: 'bin/tool', body: 'x', pax: { 'SCHILY.xattr.security.capability': 'garbage' } }]);
    const dest = await fresh();
    await assert.rejects(unpackLayer(Readable.from([tar]), dest), (err: unknown) => {
      assert.ok(isInvalidArgument(err), String(err));
      assert.match((err as Error).message, /cannot apply the layer's extended attributes: .*bin\/tool/);
      assert.ok(!(err as Error).message.includes(dest), (err as Error).message);
      return true;
    });
  });
});
