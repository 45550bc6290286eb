// Images through the docker CLI: the built-in busybox, import (file and stdin,
// with --change), list filters, inspect, history, tag, rmi and prune.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { findBinary } from '../helpers/prereq.js';
import { fails, includes, lines, ok } from '../helpers/assert.js';

describe('compat: images', { skip: skipReason({ ...compatNeeds, binaries: [...(compatNeeds.binaries ?? []), 'tar'] }) }, () => {
  let d: Daemon;
  let tarball = '';

  before(async () => {
    d = await startDaemon();
    // A minimal rootfs from the host's static busybox: enough to run sh, echo, sleep.
    const rootfs = join(d.base, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync(findBinary('busybox')!, join(rootfs, 'bin', 'busybox'));
    execFileSync('chmod', ['0755', join(rootfs, 'bin', 'busybox')]);
    for (const applet of ['sh', 'echo', 'cat', 'sleep', 'true', 'ls', 'env']) symlinkSync('busybox', join(rootfs, 'bin', applet));
    tarball = join(d.base, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
  });
  after(async () => {
    await d?.stop();
  });

  const imageId = async (ref: string) => ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', ref])).trim();
  const refs = async (...args: string[]) =>
    lines(ok(await d.docker(['images', ...args, '--format', '{{.Repository}}:{{.Tag}}']))).sort();

  it('docker images shows busybox:latest', async () => {
    const out = lines(ok(await d.docker(['images'])));
    assert.match(out[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    assert.ok(out.some((l) => /^busybox\s+latest\s+[0-9a-f]{12}\s/.test(l)), out.join('\n'));
  });

  it('import from a tarball file, then run it', async () => {
    const out = ok(await d.docker(['import', tarball, 'imp-file:v1'])).trim();
    assert.match(out, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(await d.docker(['run', '--rm', 'imp-file:v1', '/bin/echo', 'imported-ok'])), 'imported-ok\n');
  });

  it("import from stdin with --change 'CMD [\"echo\",\"x\"]'", async () => {
    ok(await d.docker(['import', '--change', 'CMD ["echo","x"]', '-', 'imp-stdin:v1'], { input: readFileSync(tarball) }));
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{json .Config.Cmd}}', 'imp-stdin:v1'])).trim(), '["echo","x"]');
    assert.equal(ok(await d.docker(['run', '--rm', 'imp-stdin:v1'])), 'x\n');
  });

  it('image ls filters: label, reference, dangling', async () => {
    ok(await d.docker(['import', '--change', 'LABEL team=blue', tarball, 'imp-label:v1']));
    assert.deepEqual(await refs('--filter', 'label=team=blue'), ['imp-label:v1']);
    assert.deepEqual(await refs('--filter', 'reference=imp-*'), ['imp-file:v1', 'imp-label:v1', 'imp-stdin:v1']);
    assert.deepEqual(await refs('--filter', 'reference=busybox'), ['busybox:latest']);

    const dangling = ok(await d.docker(['import', tarball])).trim();
    const listed = lines(ok(await d.docker(['images', '--filter', 'dangling=true', '-q', '--no-trunc'])));
    assert.deepEqual(listed, [dangling]);
    assert.ok(lines(ok(await d.docker(['images']))).some((l) => /^<none>\s+<none>\s/.test(l)));
    assert.ok(!(await refs('--filter', 'dangling=false')).includes('<none>:<none>'));
  });

  it('image inspect shows tags, config and layers', async () => {
    const [img] = JSON.parse(ok(await d.docker(['image', 'inspect', 'imp-file:v1']))) as Array<{
      Id: string; RepoTags: string[]; Os: string; Architecture: string; RootFS: { Type: string; Layers: string[] }; Size: number;
    }>;
    assert.match(img!.Id, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(img!.RepoTags, ['imp-file:v1']);
    assert.equal(img!.Os, 'linux');
    assert.equal(img!.RootFS.Type, 'layers');
    assert.equal(img!.RootFS.Layers.length, 1);
    assert.ok(img!.Size > 0);
  });

  it('history lists the layers', async () => {
    const out = lines(ok(await d.docker(['history', 'busybox'])));
    assert.match(out[0]!, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    assert.ok(out.length >= 2, out.join('\n'));
    assert.ok(lines(ok(await d.docker(['history', 'imp-file:v1']))).length >= 2);
  });

  it('tag adds a reference to the same image; rmi of the tag untags it', async () => {
    ok(await d.docker(['tag', 'busybox', 'mybox:t1']));
    assert.equal(await imageId('mybox:t1'), await imageId('busybox'));
    assert.deepEqual(await refs('mybox'), ['mybox:t1']);
    includes(ok(await d.docker(['rmi', 'mybox:t1'])), 'Untagged: mybox:t1');
    assert.deepEqual(await refs('mybox'), []);
    assert.ok((await refs()).includes('busybox:latest'));
  });

  it('rmi of an image a container uses is a conflict; rmi -f removes it anyway', async () => {
    ok(await d.docker(['import', tarball, 'inuse:v1']));
    ok(await d.docker(['run', '-d', '--name', 'inuse-user', 'inuse:v1', '/bin/sleep', '600']));
    const r = await d.docker(['rmi', 'inuse:v1']);
    fails(r);
    includes(r.stderr, /conflict/i, r);
    const raw = await d.api({ method: 'DELETE', path: '/v1.50/images/inuse:v1' });
    assert.equal(raw.status, 409, raw.body);
    assert.match(raw.json<{ message: string }>().message, /conflict/i);
    assert.deepEqual(await refs('inuse'), ['inuse:v1']);
    ok(await d.docker(['stop', '-t', '0', 'inuse-user']));
    includes(ok(await d.docker(['rmi', '-f', 'inuse:v1'])), 'Untagged: inuse:v1');
    assert.deepEqual(await refs('inuse'), []);
  });

  it('image prune removes dangling images only', async () => {
    ok(await d.docker(['import', tarball]));
    assert.ok(lines(ok(await d.docker(['images', '-f', 'dangling=true', '-q']))).length >= 1);
    includes(ok(await d.docker(['image', 'prune', '-f'])), 'Total reclaimed space');
    assert.deepEqual(lines(ok(await d.docker(['images', '-f', 'dangling=true', '-q']))), []);
    assert.ok((await refs()).includes('busybox:latest'));
    assert.ok((await refs()).includes('imp-file:v1'));
  });

  it('container prune removes stopped containers and keeps running ones', async () => {
    ok(await d.docker(['create', '--name', 'pr-created', 'busybox', 'true']));
    ok(await d.docker(['run', '--name', 'pr-exited', 'busybox', 'true']));
    ok(await d.docker(['run', '-d', '--name', 'pr-running', 'busybox', 'sleep', '600']));
    const exitedId = ok(await d.docker(['inspect', '-f', '{{.Id}}', 'pr-exited'])).trim();
    const out = ok(await d.docker(['container', 'prune', '-f']));
    includes(out, 'Deleted Containers:');
    includes(out, exitedId);
    includes(out, 'Total reclaimed space');
    const left = lines(ok(await d.docker(['ps', '-a', '--filter', 'name=pr-', '--format', '{{.Names}}'])));
    assert.deepEqual(left, ['pr-running']);
  });
});
