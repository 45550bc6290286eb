// docker diff, docker export and docker commit through the real docker CLI (and bin/berth):
// what a user sees, the image a commit makes, and bad input that leaves nothing behind.
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, mountsUnder, run, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, fails, includes, lines, ok, uniq } from '../helpers/assert.js';

describe('compat: diff, export, commit', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  // A stopped container with one of each kind of change.
  let changed: string;
  // A running one that wrote /hello.
  let live: string;
  before(async () => {
    d = await startDaemon();
    changed = uniq('changed');
    ok(await d.docker(['run', '--name', changed, 'busybox', 'sh', '-c', 'echo hi > /root/x; rm /bin/ls; mkdir -p /usr/local/foo; touch /etc/passwd']));
    live = uniq('live');
    ok(await d.docker(['run', '-d', '--name', live, 'busybox', 'sh', '-c', 'echo hello > /hello; exec sleep 600']));
  });
  after(async () => {
    await d?.stop();
  });

  /** Files under the data root's blob store and layer dirs, to see that a failure made none. */
  const storeFiles = async (): Promise<string[]> => {
    const blobs = await readdir(join(d.dataRoot, 'image', 'blobs', 'sha256')).catch(() => []);
    const layers = await readdir(join(d.dataRoot, 'overlay', 'layers')).catch(() => []);
    const images = await readdir(join(d.dataRoot, 'image', 'images')).catch(() => []);
    return [...blobs, ...layers, ...images].sort();
  };

  it('docker diff lists changes as C/A/D with their parents, without the runtime\'s /etc placeholders', async () => {
    assert.deepEqual(lines(ok(await d.docker(['diff', changed]))), [
      'C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd', 'C /root', 'A /root/x', 'C /usr', 'A /usr/local', 'A /usr/local/foo',
    ]);
    assert.deepEqual(lines(ok(await d.docker(['container', 'diff', live]))), ['A /hello']);
    const fresh = uniq('fresh');
    ok(await d.docker(['create', '--name', fresh, 'busybox']));
    assert.equal(ok(await d.docker(['diff', fresh])), '');
    const api = await d.api({ path: `/containers/${fresh}/changes` });
    assert.equal(api.body, 'null', 'Docker answers null for no changes');
    const missing = await d.docker(['diff', 'nosuch']);
    fails(missing);
    includes(missing.stderr, 'No such container: nosuch', missing);
  });

  it('docker export streams the whole filesystem of a stopped or running container, and -o writes a file', async () => {
    const list = ok(await run('sh', ['-c', `docker export ${changed} | tar t`], { env: d.env }));
    const names = new Set(lines(list));
    for (const n of ['root/x', 'usr/local/foo/', 'bin/sh', 'etc/passwd']) assert.ok(names.has(n), `${n} in export`);
    assert.ok(!names.has('bin/ls'), 'a deleted file is not exported');
    const content = ok(await run('sh', ['-c', `docker export ${live} | tar xO hello`], { env: d.env }));
    assert.equal(content, 'hello\n');
    const out = join(d.base, 'export.tar');
    ok(await d.docker(['export', '-o', out, changed]));
    includes(ok(await run('tar', ['tf', out])), 'root/x');
    await rm(out);
    // Each export mounts and unmounts a view of its own: none stays behind.
    assert.deepEqual(mountsUnder(join(d.dataRoot, 'overlay', 'tmp')), []);
    const since = Math.floor(Date.now() / 1000) - 2;
    const ev = ok(await d.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'event=export', '--format', '{{.Actor.Attributes.name}}']));
    includes(ev, changed);
    const missing = await d.docker(['export', 'nosuch']);
    fails(missing);
    includes(missing.stderr, 'No such container: nosuch', missing);
  });

  it('docker commit -c -m -a makes an image that runs with the changes, one layer more than its parent', async () => {
    const ref = `${uniq('committed')}:v1`;
    const since = Math.floor(Date.now() / 1000) - 1;
    const id = ok(await d.docker(['commit', '-c', 'CMD ["cat","/hello"]', '-c', 'ENV FOO=bar', '-c', 'EXPOSE 8080', '-m', 'my message', '-a', 'Ann <ann@example.com>', live, ref])).trim();
    assert.match(id, /^sha256:[a-f0-9]{64}$/);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}}', live])).trim(), 'running', 'unpaused after the commit');
    assert.equal(ok(await d.docker(['run', '--rm', ref])), 'hello\n');
    assert.equal(ok(await d.docker(['run', '--rm', ref, 'sh', '-c', 'echo $FOO'])), 'bar\n');

    const [img] = JSON.parse(ok(await d.docker(['image', 'inspect', ref]))) as Array<Record<string, any>>;
    const [parent] = JSON.parse(ok(await d.docker(['image', 'inspect', 'busybox']))) as Array<Record<string, any>>;
    assert.equal(img!.Author, 'Ann <ann@example.com>');
    assert.equal(img!.Comment, 'my message');
    assert.equal(img!.Parent, parent!.Id);
    assert.deepEqual(img!.Config.Cmd, ['cat', '/hello']);
    assert.ok((img!.Config.Env as string[]).includes('FOO=bar'));
    assert.deepEqual(Object.keys(img!.Config.ExposedPorts), ['8080/tcp']);
    assert.deepEqual(img!.RootFS.Layers.slice(0, -1), parent!.RootFS.Layers);
    assert.equal(img!.RootFS.Layers.length, parent!.RootFS.Layers.length + 1);

    const hist = lines(ok(await d.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', ref])));
    assert.equal(hist[0], 'sh -c echo hello > /hello; exec sleep 600|my message');
    assert.equal(hist.length, 2);

    // The new layer is kept as a blob in the content store, for push and save.
    const diffId = (img!.RootFS.Layers as string[]).at(-1)!;
    const rec = JSON.parse(await readFile(join(d.dataRoot, 'image', 'layerblobs', `${diffId.slice(7)}.json`), 'utf8')) as { blobs: Array<{ digest: string }> };
    await readFile(join(d.dataRoot, 'image', 'blobs', 'sha256', rec.blobs[0]!.digest.slice(7)));

    const until = Math.floor(Date.now() / 1000) + 1;
    // The window may also hold the end of the test before (an export): only the commit's actions count.
    const ev = lines(ok(await d.docker(['events', '--since', String(since), '--until', String(until), '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.imageRef}}'])));
    assert.deepEqual(ev.filter((l) => /^(container (pause|unpause|commit)|image tag) /.test(l)).slice(0, 4).map((l) => l.replace(/ <no value>$/, '')), [
      'container pause', 'image tag', `container commit ${ref}`, 'container unpause',
    ]);

    // Clients before API 1.45 see the source container.
    const legacy = (await d.api({ path: `/v1.44/images/${ref}/json` })).json<{ Container: string; ContainerConfig: { Cmd: string[] } }>();
    assert.match(legacy.Container, /^[a-f0-9]{64}$/);
    assert.deepEqual(legacy.ContainerConfig.Cmd, ['sh', '-c', 'echo hello > /hello; exec sleep 600']);
  });

  it('a commit of a container that changed nothing adds no layer, only a history entry', async () => {
    const fresh = uniq('nochange');
    ok(await d.docker(['create', '--name', fresh, 'busybox', 'true']));
    const ref = `${uniq('empty')}:1`;
    ok(await d.docker(['commit', '-p=false', fresh, ref]));
    const layers = (ref2: string): Promise<string> => d.docker(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref2]).then(ok);
    assert.equal(await layers(ref), await layers('busybox'));
    const top = lines(ok(await d.docker(['history', '--format', '{{.Size}} {{.CreatedBy}}', ref])))[0];
    assert.equal(top, '0B true');
  });

  it('bad input: 404 for an unknown container, 400 for a bad repo, tag or --change, and nothing half-made', async () => {
    const before = await storeFiles();
    const images = ok(await d.docker(['images', '-q', '-a']));
    const cases: Array<[string, number, RegExp]> = [
      [`/commit?container=nosuch&repo=x`, 404, /^No such container: nosuch$/],
      [`/commit?container=${live}&repo=Bad`, 400, /invalid reference format.*lowercase/],
      [`/commit?container=${live}&repo=ok&tag=a%20b`, 400, /^invalid tag format$/],
      [`/commit?container=${live}&changes=FROM%20busybox`, 400, /^FROM is not a valid change command$/],
      [`/commit?container=${live}&changes=EXPOSE%20abc`, 400, /^Invalid containerPort: abc$/],
    ];
    for (const [path, status, msg] of cases) {
      const r = await d.api({ method: 'POST', path });
      assert.equal(r.status, status, `${path}: ${r.body}`);
      assert.match(r.json<{ message: string }>().message, msg, path);
    }
    const cli = await d.docker(['commit', '-c', 'RUN true', live]);
    exitsWith(cli, 1);
    includes(cli.stderr, 'RUN is not a valid change command', cli);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.State.Status}}', live])).trim(), 'running');
    assert.deepEqual(await storeFiles(), before);
    assert.equal(ok(await d.docker(['images', '-q', '-a'])), images);
  });

  it('berth diff, export and commit do the same', async () => {
    assert.deepEqual(lines(ok(await d.berth(['diff', live]))), ['A /hello']);
    const out = join(d.base, 'berth-export.tar');
    ok(await d.berth(['export', '-o', out, changed]));
    includes(ok(await run('tar', ['tf', out])), 'root/x');
    const ref = `${uniq('berthcommit')}:1`;
    const id = ok(await d.berth(['commit', '--pause=false', '-c', 'CMD cat /root/x', '-m', 'via berth', changed, ref])).trim();
    assert.match(id, /^sha256:/);
    assert.equal(ok(await d.berth(['run', '--rm', ref])), 'hi\n');
    const missing = await d.berth(['commit', 'nosuch']);
    exitsWith(missing, 1);
    includes(missing.stderr, 'No such container: nosuch', missing);
  });
});
