// Volume and mount options through the real docker CLI, each checked against what Docker Engine
// does: --mount volume-subpath (API 1.45, never leaving the volume), tmpfs size and mode,
// -v modes (nocopy, ro/rw, z/Z), volume inspect/ls/prune/system df details, and copy-up of an
// image directory into a fresh volume with owners, modes, xattrs, links, fifos and device nodes.
// Run with BERTH_TEST_ENGINE=dockerd against Docker Engine 20.10 (API 1.41) the subpath cases
// and the API 1.42+ prune rules skip; the rest must pass there too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { compatNeeds, describeResult, engine, mountsUnder, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, lines, ok, uniq } from '../helpers/assert.js';
import { findBinary } from '../helpers/prereq.js';

const needs = { ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), 'tar', 'setfattr', 'getfattr', 'mknod', 'mkfifo'] };

/** Lists a tree as `path mode uid:gid major,minor [-> link] [links= mtime=]`, run inside a container. */
const LIST = 'cd "$1" && for f in . $(find . -mindepth 1 | sort); do printf "%s %s %s:%s %s " "$f" "$(stat -c %A "$f")" "$(stat -c %u "$f")" "$(stat -c %g "$f")" "$(stat -c %t,%T "$f")"; '
  + '[ -L "$f" ] && printf "%s " "$(readlink "$f")"; [ -f "$f" ] && [ ! -L "$f" ] && printf "links=%s mtime=%s " "$(stat -c %h "$f")" "$(stat -c %Y "$f")"; echo; done';

describe('compat: volume and mount options', { skip: skipReason(needs) }, () => {
  let d: Daemon;
  const image = 'volopts-img';

  before(async () => {
    d = await startDaemon();
    // An image whose /data has what copy-up must carry over: owners, odd modes, an xattr, links
    // of both kinds, a fifo and device nodes; /etc/ has the applets' passwd.
    const root = join(d.base, 'img-rootfs');
    for (const dir of ['bin', 'etc', 'tmp', 'data/sub', 'data/empty']) mkdirSync(join(root, dir), { recursive: true });
    copyFileSync(findBinary('busybox')!, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const a of ['sh', 'ls', 'cat', 'stat', 'find', 'sort', 'readlink', 'printf', 'echo', 'df', 'touch', 'mkdir', 'ln', 'rm', 'true', 'tail', 'grep', 'sleep']) symlinkSync('busybox', join(root, 'bin', a));
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(root, 'list.sh'), LIST);
    const data = join(root, 'data');
    writeFileSync(join(data, 'file'), 'content\n');
    execFileSync('chown', ['1234:5678', join(data, 'file')]);
    chmodSync(join(data, 'file'), 0o640);
    execFileSync('setfattr', ['-n', 'user.color', '-v', 'blue', join(data, 'file')]);
    execFileSync('touch', ['-d', '2001-02-03 04:05:06', join(data, 'file')]);
    execFileSync('ln', [join(data, 'file'), join(data, 'hard')]);
    symlinkSync('file', join(data, 'link'));
    symlinkSync('/etc/passwd', join(data, 'abslink'));
    execFileSync('mkfifo', [join(data, 'fifo')]);
    execFileSync('mknod', [join(data, 'null'), 'c', '1', '3']);
    execFileSync('mknod', [join(data, 'blk'), 'b', '7', '200']);
    execFileSync('chown', ['42:43', join(data, 'sub')]);
    chmodSync(join(data, 'sub'), 0o2751);
    execFileSync('setfattr', ['-n', 'user.dir', '-v', 'yes', join(data, 'sub')]);
    writeFileSync(join(data, 'sub', 'inner'), 'x\n');
    chmodSync(join(data, 'empty'), 0o1777);
    execFileSync('chown', ['7:8', data]);
    chmodSync(data, 0o750);
    const tar = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-C', root, '-c', '.'], { maxBuffer: 64 << 20 });
    ok(await d.docker(['import', '-', image], { input: tar }));
  });
  after(async () => {
    await d?.stop();
  });

  const subpathSkip = (t: TestContext): boolean => {
    if (engine !== 'dockerd') return false;
    t.skip('volume-subpath needs API 1.45; the reference Docker Engine speaks 1.41');
    return true;
  };
  const mountpoint = async (vol: string): Promise<string> => ok(await d.docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();

  it('volume-subpath mounts only that directory or file; symlinks inside the volume are followed', async (t) => {
    if (subpathSkip(t)) return;
    const vol = uniq('sp');
    ok(await d.docker(['run', '--rm', '-v', `${vol}:/v`, image, 'sh', '-c',
      'mkdir -p /v/sub/deep && echo in-sub > /v/sub/f && echo top > /v/top && echo single > /v/afile && ln -s sub /v/rel']));
    const run = (subpath: string, ...cmd: string[]) => d.docker(['run', '--rm', '--mount', `type=volume,src=${vol},dst=/m,volume-subpath=${subpath}`, image, ...cmd]);
    assert.deepEqual(lines(ok(await run('sub', 'ls', '/m'))), ['deep', 'f']);
    assert.deepEqual(lines(ok(await run('rel', 'ls', '/m'))), ['deep', 'f'], 'a relative symlink that stays in the volume');
    assert.equal(ok(await run('sub/deep', 'ls', '-A', '/m')), '');
    assert.equal(ok(await run('afile', 'cat', '/m')), 'single\n');
    // writes land in the subdirectory of the volume
    ok(await run('sub', 'sh', '-c', 'echo new > /m/g'));
    assert.equal(readFileSync(join(await mountpoint(vol), 'sub', 'g'), 'utf8'), 'new\n');
    // read-only applies to the subpath mount
    const ro = await d.docker(['run', '--rm', '--mount', `type=volume,src=${vol},dst=/m,volume-subpath=sub,readonly`, image, 'touch', '/m/x']);
    assert.notEqual(ro.code, 0, describeResult(ro));
    includes(ro.stderr, 'Read-only file system', ro);
    // inspect shows the volume as the mount's source and the subpath in HostConfig.Mounts
    const c = uniq('spc');
    ok(await d.docker(['create', '--name', c, '--mount', `type=volume,src=${vol},dst=/m,volume-subpath=sub`, image, 'true']));
    const [m] = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', c]))) as Array<Record<string, unknown>>;
    assert.deepEqual(m, { Type: 'volume', Name: vol, Source: await mountpoint(vol), Destination: '/m', Driver: 'local', Mode: '', RW: true, Propagation: '' });
    includes(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.Mounts}}', c])), '"Subpath":"sub"');
    ok(await d.docker(['rm', c]));
    assert.deepEqual(mountsUnder(d.base + '/').filter((p) => p.includes('subpath')), [], 'no pin left mounted once the containers are gone');
  });

  it('volume-subpath refuses what leaves the volume or is not there', async (t) => {
    if (subpathSkip(t)) return;
    const vol = uniq('spx');
    ok(await d.docker(['run', '--rm', '-v', `${vol}:/v`, image, 'sh', '-c', 'mkdir /v/sub && ln -s / /v/toroot && ln -s ../../../.. /v/up && ln -s /etc /v/sub/etc']));
    const run = (subpath: string) => d.docker(['run', '--rm', '--mount', `type=volume,src=${vol},dst=/m,volume-subpath=${subpath}`, image, 'ls', '/m']);
    // refused at create: not relative, or climbing out lexically
    for (const bad of ['../x', '/abs', 'sub/../..']) {
      const r = await run(bad);
      exitsWith(r, 125);
      includes(r.stderr, 'invalid mount config for type "volume": subpath must be a relative path within the volume', r);
    }
    let r = await d.docker(['run', '--rm', '--mount', 'type=volume,dst=/m,volume-subpath=sub', image, 'true']);
    exitsWith(r, 125);
    includes(r.stderr, 'must not set Subpath when using anonymous volumes', r);
    // refused at start: a symlink out of the volume is never followed
    for (const escape of ['toroot', 'up', 'sub/etc', 'toroot/etc']) {
      r = await run(escape);
      assert.notEqual(r.code, 0, describeResult(r));
      includes(r.stderr, 'path concatenation escapes the base directory', r);
      assert.ok(!r.stdout.includes('passwd') && !r.stdout.includes('proc'), `host content shown:\n${describeResult(r)}`);
    }
    r = await run('missing');
    assert.notEqual(r.code, 0, describeResult(r));
    includes(r.stderr, `cannot access path ${join(await mountpoint(vol), 'missing')}`, r);
  });

  it('a container swapping the subpath for a symlink to / never gets the host mounted', async (t) => {
    if (subpathSkip(t)) return;
    const vol = uniq('race');
    const swapper = uniq('swapper');
    ok(await d.docker(['run', '-d', '--name', swapper, '-v', `${vol}:/v`, image, 'sh', '-c',
      'mkdir -p /v/sub; while :; do mv /v/sub /v/real; ln -s / /v/sub; rm /v/sub; mv /v/real /v/sub; done']));
    for (let i = 0; i < 8; i++) {
      const r = await d.docker(['run', '--rm', '--mount', `type=volume,src=${vol},dst=/m,volume-subpath=sub`, image, 'ls', '-A', '/m']);
      if (r.code === 0) assert.equal(r.stdout, '', `the subpath showed something:\n${describeResult(r)}`);
      else assert.match(r.stderr, /cannot access path|path concatenation escapes the base directory/, describeResult(r));
    }
    ok(await d.docker(['rm', '-f', swapper]));
  });

  it('copy-up into an empty subpath; a non-empty one is left alone', async (t) => {
    if (subpathSkip(t)) return;
    const vol = uniq('spcopy');
    ok(await d.docker(['run', '--rm', '-v', `${vol}:/v`, image, 'sh', '-c', 'mkdir /v/empty /v/full && echo mine > /v/full/mine']));
    const run = (subpath: string) => d.docker(['run', '--rm', '--mount', `type=volume,src=${vol},dst=/data,volume-subpath=${subpath}`, image, 'ls', '/data']);
    assert.deepEqual(lines(ok(await run('empty'))), ['abslink', 'blk', 'empty', 'fifo', 'file', 'hard', 'link', 'null', 'sub']);
    assert.deepEqual(lines(ok(await run('full'))), ['mine']);
  });

  it('tmpfs size and mode are applied, and inspect shows them as Docker does', async () => {
    const out = ok(await d.docker(['run', '--rm', '--mount', 'type=tmpfs,destination=/t,tmpfs-size=2m,tmpfs-mode=1770', '--tmpfs', '/x:size=1m,mode=700',
      image, 'sh', '-c', 'df -k /t /x | tail -n 2; stat -c "%a %n" /t /x']));
    const [dfT, dfX, modeT, modeX] = lines(out);
    assert.match(dfT!, /^tmpfs\s+2048\s.*\/t$/, out);
    assert.match(dfX!, /^tmpfs\s+1024\s.*\/x$/, out);
    assert.deepEqual([modeT, modeX], ['1770 /t', '700 /x']);
    const c = uniq('tmpfs');
    ok(await d.docker(['create', '--name', c, '--mount', 'type=tmpfs,destination=/t,tmpfs-size=2m,tmpfs-mode=1770', '--tmpfs', '/x:size=1m,mode=700', '--tmpfs', '/y', image, 'true']));
    const [mounts, hcMounts, tmpfs] = lines(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}\n{{json .HostConfig.Mounts}}\n{{json .HostConfig.Tmpfs}}', c])));
    assert.deepEqual(JSON.parse(mounts!), [{ Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' }]);
    assert.deepEqual(JSON.parse(hcMounts!), [{ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 2097152, Mode: 0o1770 } }]);
    assert.deepEqual(JSON.parse(tmpfs!), { '/x': 'size=1m,mode=700', '/y': '' });
    ok(await d.docker(['rm', c]));
    // exec and ro as options; an unknown option in Docker's words
    const opts = ok(await d.docker(['run', '--rm', '--tmpfs', '/e:exec,size=1m', '--tmpfs', '/r:ro', image, 'grep', '-E', ' /(e|r) ', '/proc/mounts']));
    assert.match(opts, /^tmpfs \/e tmpfs rw,nosuid,nodev,relatime,size=1024k/m, opts);
    assert.match(opts, /^tmpfs \/r tmpfs ro,nosuid,nodev,noexec/m, opts);
    const bad = await d.docker(['run', '--rm', '--tmpfs', '/z:bogus', image, 'true']);
    exitsWith(bad, 125);
    includes(bad.stderr, 'invalid tmpfs option', bad);
  });

  it('-v modes: nocopy, volume-nocopy, ro/rw and z/Z as Docker takes them', async () => {
    const ls = async (...args: string[]): Promise<string[]> => lines(ok(await d.docker(['run', '--rm', ...args, image, 'ls', '/data'])));
    assert.deepEqual(await ls('-v', `${uniq('nc')}:/data:nocopy`), []);
    assert.deepEqual(await ls('--mount', `type=volume,src=${uniq('nc')},dst=/data,volume-nocopy=true`), []);
    assert.ok((await ls('-v', `${uniq('z')}:/data:z`)).includes('file'), 'z: accepted, ignored without SELinux');
    assert.ok((await ls('-v', `${uniq('z')}:/data:rw,Z`)).includes('file'));
    assert.ok((await ls('-v', `${uniq('z')}:/data:ro,z,cached`)).includes('file'), 'consistency modes are accepted and mean nothing on Linux');
    const refused = async (spec: string, words: string): Promise<void> => {
      const r = await d.docker(['create', '-v', spec, image, 'true']);
      exitsWith(r, 1);
      includes(r.stderr, words, r);
    };
    await refused('v1:/x:z,Z', 'invalid mode: z,Z');
    await refused('v1:/x:ro,rw', 'invalid mode: ro,rw');
    await refused('v1:/x:nocopy,nocopy', 'invalid mode: nocopy,nocopy');
    await refused('v1:/x:rshared', `invalid volume specification: 'v1:/x:rshared': invalid mount config for type "volume": field BindOptions must not be specified`);
    await refused(`${d.base}:/x:nocopy`, 'invalid mount config for type "bind": field VolumeOptions must not be specified');
  });

  it('a volume on /etc keeps /etc/hosts and /etc/resolv.conf; nested -v mount parents first', async () => {
    const out = ok(await d.docker(['run', '--rm', '-v', `${uniq('etc')}:/etc:nocopy`, image, 'ls', '/etc']));
    for (const f of ['hostname', 'hosts', 'resolv.conf']) includes(out, f);
    const inner = uniq('inner');
    ok(await d.docker(['run', '--rm', '-v', `${inner}:/v`, image, 'sh', '-c', 'echo inner > /v/f']));
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${inner}:/x/y`, '-v', `${uniq('outer')}:/x`, image, 'cat', '/x/y/f'])), 'inner\n');
  });

  it('copy-up: a fresh volume gets the image directory whole; a non-empty one is not copied into', async () => {
    const listing = async (...v: string[]): Promise<string> => ok(await d.docker(['run', '--rm', ...v, image, 'sh', '/list.sh', '/data']));
    const fromImage = await listing();
    const vol = uniq('cu');
    assert.equal(await listing('-v', `${vol}:/data`), fromImage);
    for (const expect of ['./fifo prw-r--r--', './null crw-r--r-- 0:0 1,3', './blk brw-r--r-- 0:0 7,c8', './link lrwxrwxrwx 0:0 0,0 file', './sub drwxr-s--x 42:43', '. drwxr-x--- 7:8']) {
      includes(fromImage, expect);
    }
    includes(fromImage, './hard -rw-r----- 1234:5678 0,0 links=2 mtime=981173106');
    const mp = await mountpoint(vol);
    const attrs = execFileSync('getfattr', ['--absolute-names', '-d', join(mp, 'file'), join(mp, 'hard'), join(mp, 'sub')], { encoding: 'utf8' });
    includes(attrs, 'user.color="blue"');
    includes(attrs, 'user.dir="yes"');
    // a volume with something in it keeps just that
    const full = uniq('full');
    ok(await d.docker(['run', '--rm', '-v', `${full}:/v`, image, 'sh', '-c', 'echo mine > /v/mine']));
    assert.deepEqual(lines(ok(await d.docker(['run', '--rm', '-v', `${full}:/data`, image, 'ls', '/data']))), ['mine']);
  });

  it('an image VOLUME makes an anonymous volume filled from the image', async () => {
    const src = uniq('volsrc');
    const tag = uniq('volimg');
    ok(await d.docker(['create', '--name', src, image, 'true']));
    ok(await d.docker(['commit', '--change', 'VOLUME /data', src, tag]));
    const c = uniq('volc');
    assert.deepEqual(lines(ok(await d.docker(['run', '--name', c, tag, 'ls', '/data']))), ['abslink', 'blk', 'empty', 'fifo', 'file', 'hard', 'link', 'null', 'sub']);
    const anon = ok(await d.docker(['inspect', '-f', '{{range .Mounts}}{{.Name}} {{.Destination}} {{.RW}}{{end}}', c])).trim();
    assert.match(anon, /^[0-9a-f]{64} \/data true$/);
    ok(await d.docker(['rm', '-v', c, src]));
    assert.ok(!lines(ok(await d.docker(['volume', 'ls', '-q']))).includes(anon.split(' ')[0]!), 'rm -v removed it');
  });

  it('volume inspect: Labels and Options null when none were given, maps sorted otherwise', async () => {
    const plain = uniq('plain');
    const rich = uniq('rich');
    ok(await d.docker(['volume', 'create', plain]));
    ok(await d.docker(['volume', 'create', '--label', 'z=1', '--label', 'a=2', '-o', 'type=tmpfs', '-o', 'device=tmpfs', rich]));
    const [p, r] = JSON.parse(ok(await d.docker(['volume', 'inspect', plain, rich]))) as Array<Record<string, unknown>>;
    assert.deepEqual({ ...p, CreatedAt: '' }, { CreatedAt: '', Driver: 'local', Labels: null, Mountpoint: await mountpoint(plain), Name: plain, Options: null, Scope: 'local' });
    assert.match(String(p!.CreatedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.equal(JSON.stringify(r!.Labels), '{"a":"2","z":"1"}');
    assert.equal(JSON.stringify(r!.Options), '{"device":"tmpfs","type":"tmpfs"}');
    const fmt = ok(await d.docker(['volume', 'ls', '-f', `name=${rich}`, '--format', '{{.Name}}|{{.Driver}}|{{.Labels}}|{{.Mountpoint}}']));
    const [n, driver, labels, mp] = fmt.trimEnd().split('|');
    // the docker CLI joins labels in Go's random map order
    assert.deepEqual([n, driver, labels!.split(',').sort().join(','), mp], [rich, 'local', 'a=2,z=1', await mountpoint(rich)]);
    ok(await d.docker(['volume', 'rm', plain, rich]));
  });

  it('volume ls filters: dangling, driver, label key and key=value, name', async () => {
    const used = uniq('used');
    const idle = uniq('idle');
    ok(await d.docker(['volume', 'create', '--label', 'grp=t1', idle]));
    ok(await d.docker(['volume', 'create', '--label', 'grp=t2', used]));
    const c = uniq('user');
    ok(await d.docker(['create', '--name', c, '-v', `${used}:/u`, image, 'true']));
    const names = async (...f: string[]): Promise<string[]> =>
      lines(ok(await d.docker(['volume', 'ls', '-q', ...f.flatMap((x) => ['-f', x])]))).filter((n) => n === used || n === idle).sort();
    assert.deepEqual(await names('dangling=true'), [idle]);
    assert.deepEqual(await names('dangling=false'), [used]);
    assert.deepEqual(await names('driver=local'), [idle, used].sort());
    assert.deepEqual(await names('label=grp'), [idle, used].sort());
    assert.deepEqual(await names('label=grp=t2'), [used]);
    assert.deepEqual(await names('label=grp=t3'), []);
    assert.deepEqual(await names(`name=${idle.slice(0, 6)}`), [idle]);
    assert.deepEqual(await names('label=grp', 'dangling=true'), [idle]);
    ok(await d.docker(['rm', c]));
    ok(await d.docker(['volume', 'rm', used, idle]));
  });

  it('volume prune: anonymous only, -a for named, label filters, never a volume with driver options', async (t) => {
    if (engine === 'dockerd') {
      t.skip('Docker Engine 20.10 (API 1.41) prunes named volumes by default; berth follows API 1.42+');
      return;
    }
    const named = uniq('pn');
    const labelled = uniq('pl');
    const withOpts = uniq('po');
    ok(await d.docker(['volume', 'create', named]));
    ok(await d.docker(['volume', 'create', '--label', 'keep=no', labelled]));
    ok(await d.docker(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', withOpts]));
    const c = uniq('anon');
    ok(await d.docker(['create', '--name', c, '-v', '/anon', image, 'true']));
    const anon = ok(await d.docker(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', c])).trim();
    ok(await d.docker(['rm', c]));
    const vols = async (): Promise<string[]> => lines(ok(await d.docker(['volume', 'ls', '-q'])));
    let out = ok(await d.docker(['volume', 'prune', '-f']));
    includes(out, anon);
    assert.ok(!out.includes(named), out);
    out = ok(await d.docker(['volume', 'prune', '-a', '-f', '--filter', 'label=keep=no']));
    assert.deepEqual(lines(out).filter((l) => l === named || l === labelled), [labelled]);
    // all=true through the API, as the CLI's -a sends it
    const r = await d.api({ method: 'POST', path: `/volumes/prune?filters=${encodeURIComponent(JSON.stringify({ all: ['true'] }))}` });
    assert.equal(r.status, 200, r.body);
    const deleted = r.json<{ VolumesDeleted: string[] | null }>().VolumesDeleted ?? [];
    assert.ok(deleted.includes(named) && !deleted.includes(withOpts), r.body);
    assert.ok((await vols()).includes(withOpts), 'a volume with driver options is never pruned');
    // a client older than API 1.42 prunes named volumes without asking
    const old = uniq('old');
    ok(await d.docker(['volume', 'create', old]));
    const r41 = await d.api({ method: 'POST', path: '/v1.41/volumes/prune' });
    assert.ok((r41.json<{ VolumesDeleted: string[] | null }>().VolumesDeleted ?? []).includes(old), r41.body);
    ok(await d.docker(['volume', 'rm', withOpts]));
    ok(await d.docker(['volume', 'rm', '-f', 'no-such-volume']));
  });

  it('system df -v lists volumes with their size and how many containers use them', async () => {
    const vol = uniq('df');
    const withOpts = uniq('dfo');
    ok(await d.docker(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', withOpts]));
    const a = uniq('dfa');
    const b = uniq('dfb');
    ok(await d.docker(['run', '--name', a, '-v', `${vol}:/d`, image, 'sh', '-c', 'echo 0123456789 > /d/f']));
    ok(await d.docker(['create', '--name', b, '-v', `${vol}:/d`, image, 'true']));
    const out = ok(await d.docker(['system', 'df', '-v']));
    assert.match(out, new RegExp(`^${vol}\\s+2\\s+11B$`, 'm'), out);
    assert.ok(!out.includes(withOpts), `a volume with driver options is not local data:\n${out}`);
    ok(await d.docker(['rm', a, b]));
    assert.match(ok(await d.docker(['system', 'df', '-v'])), new RegExp(`^${vol}\\s+0\\s+11B$`, 'm'));
    ok(await d.docker(['volume', 'rm', vol, withOpts]));
  });
});
