// Containers with named and anonymous volumes through the real docker CLI: data shared between
// containers, the image's content copied into a fresh volume, read-only mounts, and which
// volumes `run --rm`, `rm -v` and plain `rm` leave behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, describeResult, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, lines, ok, uniq } from '../helpers/assert.js';

describe('compat: containers with volumes', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const volumes = async (): Promise<string[]> => lines(ok(await d.docker(['volume', 'ls', '-q'])));

  it('a volume a container uses cannot be removed (409, naming the container) until the container is gone', async () => {
    const vol = uniq('busy');
    const name = uniq('busy-c');
    ok(await d.docker(['create', '--name', name, '-v', `${vol}:/data`, 'busybox', 'true']));
    const id = ok(await d.docker(['inspect', '-f', '{{.Id}}', name])).trim();
    const r = await d.docker(['volume', 'rm', vol]);
    assert.equal(r.code, 1, describeResult(r));
    assert.ok(r.stderr.includes(`remove ${vol}: volume is in use - [${id}]`), describeResult(r));
    assert.equal((await d.api({ method: 'DELETE', path: `/volumes/${vol}` })).status, 409);
    ok(await d.docker(['rm', name]));
    ok(await d.docker(['volume', 'rm', vol]));
  });

  it('data one container writes to a named volume, another reads', async () => {
    const vol = uniq('shared');
    ok(await d.docker(['run', '--rm', '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo from-first > /data/msg']));
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${vol}:/in`, 'busybox', 'cat', '/in/msg'])), 'from-first\n');
    assert.ok((await volumes()).includes(vol), 'run --rm leaves a named volume');
  });

  it('inspect shows the volume mount as Docker does', async () => {
    const vol = uniq('insp');
    const name = uniq('insp-c');
    ok(await d.docker(['create', '--name', name, '-v', `${vol}:/data`, 'busybox', 'true']));
    const [m] = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', name]))) as Array<Record<string, unknown>>;
    const mountpoint = ok(await d.docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
    assert.deepEqual(m, { Type: 'volume', Name: vol, Source: mountpoint, Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' });
    ok(await d.docker(['rm', name]));
  });

  it('a fresh volume gets the image\'s content at its path, modes included', async () => {
    const vol = uniq('etc');
    const out = ok(await d.docker(['run', '--rm', '-v', `${vol}:/etc`, 'busybox', 'stat', '-c', '%a %n', '/etc/passwd', '/etc']));
    const image = ok(await d.docker(['run', '--rm', 'busybox', 'stat', '-c', '%a %n', '/etc/passwd', '/etc']));
    assert.equal(out, image);
    // The volume keeps it for the next container, even one that mounts it elsewhere.
    includes(ok(await d.docker(['run', '--rm', '-v', `${vol}:/x`, 'busybox', 'cat', '/x/passwd'])), 'root:');
  });

  it('nocopy leaves a fresh volume empty', async () => {
    const vol = uniq('nocopy');
    // Only the mount points of the container's own /etc files, as with Docker.
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${vol}:/etc:nocopy`, 'busybox', 'ls', '-A', '/etc'])), 'hostname\nhosts\nresolv.conf\n');
  });

  it('a read-only volume refuses writes', async () => {
    const vol = uniq('ro');
    const r = await d.docker(['run', '--rm', '-v', `${vol}:/data:ro`, 'busybox', 'touch', '/data/x']);
    exitsWith(r, 1);
    includes(r.stderr, 'Read-only file system', r);
    const m = await d.docker(['run', '--rm', '--mount', `type=volume,source=${vol},target=/data,readonly`, 'busybox', 'touch', '/data/x']);
    exitsWith(m, 1);
  });

  it('run --rm -v /data leaves no anonymous volume', async () => {
    const before = await volumes();
    ok(await d.docker(['run', '--rm', '-v', '/data', 'busybox', 'sh', '-c', 'echo x > /data/x']));
    assert.deepEqual(await volumes(), before);
  });

  it('rm -v removes the anonymous volumes, not the named ones; plain rm keeps both', async () => {
    const named = uniq('keep');
    const a = uniq('rmv');
    ok(await d.docker(['create', '--name', a, '-v', '/anon', '-v', `${named}:/n`, 'busybox', 'true']));
    const anon = ok(await d.docker(['inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}', a])).trim();
    assert.match(anon, /^[0-9a-f]{64}$/);
    includes(ok(await d.docker(['volume', 'inspect', '-f', '{{json .Labels}}', anon])), '"com.docker.volume.anonymous":""');
    ok(await d.docker(['rm', '-v', a]));
    const after1 = await volumes();
    assert.ok(!after1.includes(anon), 'rm -v removed the anonymous volume');
    assert.ok(after1.includes(named), 'the named volume survives rm -v');

    const b = uniq('rm');
    ok(await d.docker(['create', '--name', b, '-v', '/anon', 'busybox', 'true']));
    const anonB = ok(await d.docker(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', b])).trim();
    ok(await d.docker(['rm', b]));
    assert.ok((await volumes()).includes(anonB), 'plain rm keeps the anonymous volume');
  });

  it('a volume in use cannot be removed', async () => {
    const vol = uniq('inuse');
    const c = uniq('user');
    ok(await d.docker(['create', '--name', c, '-v', `${vol}:/d`, 'busybox', 'true']));
    const r = await d.docker(['volume', 'rm', vol]);
    exitsWith(r, 1);
    includes(r.stderr, 'volume is in use', r);
    ok(await d.docker(['rm', c]));
    ok(await d.docker(['volume', 'rm', vol]));
  });

  it('--volumes-from shares the donor\'s volumes, :ro read-only', async () => {
    const donor = uniq('donor');
    ok(await d.docker(['run', '--name', donor, '-v', '/shared', 'busybox', 'sh', '-c', 'echo hi > /shared/f']));
    assert.equal(ok(await d.docker(['run', '--rm', '--volumes-from', donor, 'busybox', 'cat', '/shared/f'])), 'hi\n');
    exitsWith(await d.docker(['run', '--rm', '--volumes-from', `${donor}:ro`, 'busybox', 'touch', '/shared/g']), 1);
    ok(await d.docker(['rm', '-v', donor]));
  });
});
