// Bind mounts through the real docker CLI, as Docker makes them: a missing -v source is made at
// start while --mount refuses one at create, read-only reaches submounts, propagation is
// rprivate unless asked (rshared then carries the host's later mounts in), bind-recursive, the
// inspect shape, and a container that swaps a path in a bind or volume for a symlink to a host
// path cannot make a later mount land on the host.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, describeResult, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, fails, includes, ok, uniq } from '../helpers/assert.js';

const mountinfo = (): string => readFileSync('/proc/self/mountinfo', 'utf8');
const mountsUnder = (dir: string): string[] => mountinfo().split('\n').filter((l) => l.split(' ')[4]?.startsWith(dir));

describe('compat: bind mounts', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  let base: string;
  /** Host mounts the test made, unmounted in reverse at the end. */
  const hostMounts: string[] = [];
  const hostMount = (args: string[], target: string): void => {
    execFileSync('mount', [...args, target]);
    hostMounts.push(target);
  };
  /** A tmpfs at a fresh dir, made a shared mount so that mounts below it propagate. */
  const sharedTmpfs = (name: string): string => {
    const dir = join(base, name);
    mkdirSync(dir);
    hostMount(['-t', 'tmpfs', 'tmpfs'], dir);
    execFileSync('mount', ['--make-rshared', dir]);
    return dir;
  };

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'berth-bind-'));
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
    for (const m of hostMounts.reverse()) {
      try {
        execFileSync('umount', ['-l', m]);
      } catch { /* already gone */ }
    }
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('-v makes a missing source at start (a root-owned 0755 directory), again at the next start', async () => {
    const src = join(base, 'made', 'deep');
    const name = uniq('made');
    ok(await d.docker(['create', '--name', name, '-v', `${src}:/m`, 'busybox', 'sh', '-c', 'echo hi > /m/f']));
    assert.ok(!existsSync(join(base, 'made')), 'create makes nothing');
    ok(await d.docker(['start', '-a', name]));
    for (const dir of [join(base, 'made'), src]) {
      const st = statSync(dir);
      assert.ok(st.isDirectory(), dir);
      assert.equal(st.mode & 0o7777, 0o755, dir);
      assert.deepEqual([st.uid, st.gid], [0, 0], dir);
    }
    assert.equal(readFileSync(join(src, 'f'), 'utf8'), 'hi\n');
    rmSync(join(base, 'made'), { recursive: true });
    ok(await d.docker(['start', '-a', name]));
    assert.ok(existsSync(join(src, 'f')));
    ok(await d.docker(['rm', name]));
  });

  it('--mount refuses a missing source at create with Docker\'s 400, unless CreateMountpoint', async () => {
    const src = join(base, 'absent');
    const r = await d.docker(['create', '--mount', `type=bind,source=${src},target=/m`, 'busybox', 'true']);
    exitsWith(r, 1);
    includes(r.stderr, `invalid mount config for type "bind": bind source path does not exist: ${src}`, r);
    const api = await d.api({ method: 'POST', path: '/containers/create', body: { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'bind', Source: src, Target: '/m' }] } } });
    assert.equal(api.status, 400, api.body);
    assert.equal(api.json<{ message: string }>().message, `invalid mount config for type "bind": bind source path does not exist: ${src}`);
    assert.ok(!existsSync(src));
    // BindOptions.CreateMountpoint (API 1.42; the CLI's bind-create-src came after docker 28.2).
    const made = await d.api({ method: 'POST', path: '/containers/create', body: { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'bind', Source: src, Target: '/m', BindOptions: { CreateMountpoint: true } }] } } });
    assert.equal(made.status, 201, made.body);
    assert.ok(!existsSync(src), 'create makes nothing');
    const id = made.json<{ Id: string }>().Id;
    ok(await d.docker(['start', '-a', id]));
    assert.ok(statSync(src).isDirectory());
    ok(await d.docker(['rm', id]));
  });

  it('a dangling symlink in a source is refused, never followed to make a directory where it points', async () => {
    const target = join(base, 'link-target');
    symlinkSync(join(target, 'x'), join(base, 'dangling'));
    for (const src of [join(base, 'dangling'), join(base, 'dangling', 'below')]) {
      const r = await d.docker(['run', '--rm', '-v', `${src}:/m`, 'busybox', 'true']);
      fails(r);
      includes(r.stderr, `error while creating mount source path '${src}': `, r);
    }
    assert.ok(!existsSync(target), 'nothing made where the link points');
  });

  it('read-only refuses writes, in submounts too; bind-recursive=writable leaves submounts writable, =readonly insists', async () => {
    const src = join(base, 'ro');
    mkdirSync(join(src, 'sub'), { recursive: true });
    hostMount(['-t', 'tmpfs', 'tmpfs'], join(src, 'sub'));
    const touch = 'touch /r/x; a=$?; touch /r/sub/y; echo "top=$a sub=$?"';
    for (const how of [['-v', `${src}:/r:ro`], ['--mount', `type=bind,src=${src},dst=/r,readonly`],
      ['--mount', `type=bind,src=${src},dst=/r,readonly,bind-recursive=readonly,bind-propagation=rprivate`]]) {
      const r = await d.docker(['run', '--rm', ...how, 'busybox', 'sh', '-c', touch]);
      assert.equal(r.stdout, 'top=1 sub=1\n', describeResult(r));
      includes(r.stderr, 'touch: /r/x: Read-only file system', r);
      includes(r.stderr, 'touch: /r/sub/y: Read-only file system', r);
    }
    const w = await d.docker(['run', '--rm', '--mount', `type=bind,src=${src},dst=/r,readonly,bind-recursive=writable`, 'busybox', 'sh', '-c', touch]);
    assert.equal(w.stdout, 'top=1 sub=0\n', describeResult(w));
    assert.deepEqual(readdirSync(src).sort(), ['sub']);
  });

  it('bind-recursive=disabled binds the source alone: a submount\'s content stays hidden', async () => {
    const src = join(base, 'nonrec');
    mkdirSync(join(src, 'sub'), { recursive: true });
    hostMount(['-t', 'tmpfs', 'tmpfs'], join(src, 'sub'));
    writeFileSync(join(src, 'sub', 'in-submount'), 'x');
    assert.equal(ok(await d.docker(['run', '--rm', '--mount', `type=bind,src=${src},dst=/b`, 'busybox', 'ls', '/b/sub'])), 'in-submount\n');
    assert.equal(ok(await d.docker(['run', '--rm', '--mount', `type=bind,src=${src},dst=/b,bind-recursive=disabled`, 'busybox', 'ls', '-A', '/b/sub'])), '');
  });

  it('a bind is rprivate unless asked: only rshared ones see what the host mounts under the source later', async () => {
    const shared = sharedTmpfs('shared');
    const runs = {
      default: ['-v', `${shared}:/s`],
      private: ['-v', `${shared}:/s:rprivate`],
      sharedV: ['-v', `${shared}:/s:rshared`],
      sharedMount: ['--mount', `type=bind,src=${shared},dst=/s,bind-propagation=rshared`],
    };
    const ids: Record<string, string> = {};
    for (const [k, how] of Object.entries(runs)) ids[k] = ok(await d.docker(['run', '-d', ...how, 'busybox', 'sleep', '600'])).trim();
    const own = async (id: string): Promise<string> => ok(await d.docker(['exec', id, 'grep', ' /s ', '/proc/self/mountinfo']));
    for (const k of ['default', 'private']) {
      const line = await own(ids[k]!);
      assert.doesNotMatch(line, /shared:|master:/, `${k}: ${line}`);
    }
    for (const k of ['sharedV', 'sharedMount']) includes(await own(ids[k]!), /shared:\d+/);

    mkdirSync(join(shared, 'late'));
    hostMount(['-t', 'tmpfs', 'tmpfs'], join(shared, 'late'));
    writeFileSync(join(shared, 'late', 'f'), 'late\n');
    for (const [k, id] of Object.entries(ids)) {
      const r = await d.docker(['exec', id, 'cat', '/s/late/f']);
      if (k.startsWith('shared')) assert.equal(ok(r), 'late\n', k);
      else fails(r);
    }
    ok(await d.docker(['rm', '-f', ...Object.values(ids)]));

    // Docker's rule: a shared bind needs its source on a shared mount.
    const plain = join(base, 'plain-for-shared');
    mkdirSync(plain);
    hostMount(['-t', 'tmpfs', 'tmpfs'], plain);
    execFileSync('mount', ['--make-private', plain]);
    const r = await d.docker(['run', '--rm', '-v', `${plain}:/p:rshared`, 'busybox', 'true']);
    fails(r);
    includes(r.stderr, `path ${plain} is mounted on ${plain} but it is not a shared mount`, r);
  });

  it('inspect shows binds as Docker does', async () => {
    const a = join(base, 'insp-a');
    const b = join(base, 'insp-b');
    mkdirSync(a);
    mkdirSync(b);
    const name = uniq('insp');
    ok(await d.docker(['create', '--name', name, '-v', `${a}:/a:ro`, '-v', `${join(base, 'insp-new')}:/n`,
      '--mount', `type=bind,src=${b},dst=/b,readonly,bind-propagation=rslave`, 'busybox', 'true']));
    const mounts = JSON.parse(ok(await d.docker(['inspect', '-f', '{{json .Mounts}}', name]))) as Array<{ Destination: string }>;
    // Docker keeps them in a map: the order means nothing.
    assert.deepEqual(mounts.sort((x, y) => x.Destination.localeCompare(y.Destination)), [
      { Type: 'bind', Source: a, Destination: '/a', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'bind', Source: b, Destination: '/b', Mode: '', RW: false, Propagation: 'rslave' },
      { Type: 'bind', Source: join(base, 'insp-new'), Destination: '/n', Mode: '', RW: true, Propagation: 'rprivate' },
    ]);
    ok(await d.docker(['rm', name]));
  });

  describe('a container that swaps a directory for a symlink to a host path', () => {
    let victim: string;
    let payload: string;
    before(() => {
      victim = join(base, 'victim');
      mkdirSync(victim);
      writeFileSync(join(victim, 'hello'), 'sentinel');
      payload = join(base, 'payload');
      mkdirSync(payload);
      writeFileSync(join(payload, 'p'), 'payload\n');
    });
    const hostUnchanged = (evil: string): void => {
      assert.deepEqual(readdirSync(victim), ['hello'], 'nothing made in the host directory the link names');
      assert.equal(readFileSync(join(victim, 'hello'), 'utf8'), 'sentinel');
      assert.ok(!existsSync(join('/', evil)), `nothing made at /${evil} on the host`);
      assert.deepEqual(mountsUnder(victim), [], 'nothing mounted on the host');
      assert.equal(mountinfo().split('\n').filter((l) => l.split(' ')[4] === `/${evil}`).length, 0);
    };
    /** The later container either fails to start or finds the mount inside its own root; both are safe. */
    const safe = (r: Awaited<ReturnType<Daemon['docker']>>): void => {
      if (r.code === 0) assert.equal(r.stdout, 'payload\npayload\n', describeResult(r));
    };

    it('in a volume: a later container\'s nested mount through it stays inside that container', async () => {
      const vol = uniq('swap');
      const evil = uniq('berth-evil');
      ok(await d.docker(['run', '--rm', '-v', `${vol}:/data`, 'busybox', 'sh', '-c', `mkdir /data/sub /data/root && rm -rf /data/sub /data/root && ln -s ${victim} /data/sub && ln -s / /data/root`]));
      const r = await d.docker(['run', '--rm', '-v', `${vol}:/data`, '-v', `${payload}:/data/sub/evil`, '-v', `${payload}:/data/root/${evil}`,
        'busybox', 'cat', '/data/sub/evil/p', `/data/root/${evil}/p`]);
      safe(r);
      hostUnchanged(evil);
    });

    it('in a bind: the container\'s own restart mounts its nested destination inside its root', async () => {
      const h = join(base, 'swap-bind');
      mkdirSync(join(h, 'sub'), { recursive: true });
      mkdirSync(join(h, 'root'));
      const evil = uniq('berth-evil');
      const name = uniq('swapper');
      ok(await d.docker(['create', '--name', name, '-v', `${h}:/data`, '-v', `${payload}:/data/sub/evil`, '-v', `${payload}:/data/root/${evil}`,
        'busybox', 'cat', '/data/sub/evil/p', `/data/root/${evil}/p`]));
      assert.equal(ok(await d.docker(['start', '-a', name])), 'payload\npayload\n');
      // Another container with the same bind swaps the directories for links to host paths.
      ok(await d.docker(['run', '--rm', '-v', `${h}:/data`, 'busybox', 'sh', '-c', `rm -rf /data/sub /data/root && ln -s ${victim} /data/sub && ln -s / /data/root`]));
      safe(await d.docker(['start', '-a', name]));
      hostUnchanged(evil);
      ok(await d.docker(['rm', name]));
    });
  });
});
