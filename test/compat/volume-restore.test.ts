// Volume data is never lost to a daemon crash: containers writing to a named volume, an anonymous
// volume and a --volumes-from donor's volume keep their data across kill -9 of berthd, the new
// daemon knows again who uses which volume (rm refused, prune spares them), and concurrent creates
// of one name make one volume.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, isProcessAlive, lines, ok, uniq } from '../helpers/assert.js';

const forever = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'];

describe('compat: volumes across a daemon crash', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const volumes = async (): Promise<string[]> => lines(ok(await d.docker(['volume', 'ls', '-q'])));
  const idOf = async (name: string): Promise<string> => ok(await d.docker(['inspect', '-f', '{{.Id}}', name])).trim();
  const volAt = async (container: string, dest: string): Promise<string> =>
    ok(await d.docker(['inspect', '-f', `{{range .Mounts}}{{if eq .Destination "${dest}"}}{{.Name}}{{end}}{{end}}`, container])).trim();
  // A file with random content and its checksum: a torn or stale file would not match.
  const writeSum = async (container: string, dir: string): Promise<string> =>
    ok(await d.docker(['exec', container, 'sh', '-c', `dd if=/dev/urandom of=${dir}/blob bs=64k count=16 2>/dev/null && echo ${container} > ${dir}/who && sync && md5sum ${dir}/blob | cut -d' ' -f1`])).trim();
  const readSum = async (args: string[], dir: string): Promise<string> =>
    ok(await d.docker([...args, 'sh', '-c', `cat ${dir}/who; md5sum ${dir}/blob | cut -d' ' -f1`]));
  /** `docker volume rm` of a volume in use: exit 1 and the 409 message naming every user. */
  const refusedNaming = async (vol: string, ids: string[]): Promise<void> => {
    const r = await d.docker(['volume', 'rm', vol]);
    exitsWith(r, 1);
    includes(r.stderr, `remove ${vol}: volume is in use - [`, r);
    for (const id of ids) includes(r.stderr, id, r);
    assert.equal((await d.api({ method: 'DELETE', path: `/volumes/${vol}` })).status, 409);
  };

  const named = uniq('data');
  const idleNamed = uniq('idle');
  const writer = uniq('writer');
  const donor = uniq('donor');
  const borrower = uniq('borrower');
  let anonVol = '';
  let donorVol = '';
  let idleAnon = '';
  const sums: Record<string, string> = {};
  const pids: number[] = [];

  it('containers write to a named, an anonymous and a --volumes-from volume; berthd is killed -9', async () => {
    ok(await d.docker(['run', '-d', '--name', writer, '-v', `${named}:/n`, '-v', '/anon', 'busybox', ...forever]));
    ok(await d.docker(['run', '-d', '--name', donor, '-v', '/shared', 'busybox', ...forever]));
    ok(await d.docker(['run', '-d', '--name', borrower, '--volumes-from', donor, 'busybox', ...forever]));
    anonVol = await volAt(writer, '/anon');
    donorVol = await volAt(donor, '/shared');
    assert.match(anonVol, /^[0-9a-f]{64}$/);
    assert.equal(await volAt(borrower, '/shared'), donorVol);
    sums.named = await writeSum(writer, '/n');
    sums.anon = await writeSum(writer, '/anon');
    sums.shared = await writeSum(borrower, '/shared');
    // Unused volumes for prune to find: a named one and the anonymous one a plain rm leaves.
    ok(await d.docker(['volume', 'create', idleNamed]));
    const gone = uniq('gone');
    ok(await d.docker(['create', '--name', gone, '-v', '/x', 'busybox', 'true']));
    idleAnon = await volAt(gone, '/x');
    ok(await d.docker(['rm', gone]));
    assert.ok((await volumes()).includes(idleAnon));
    for (const c of [writer, donor, borrower]) pids.push(Number(ok(await d.docker(['inspect', '-f', '{{.State.Pid}}', c])).trim()));

    await d.kill9();
    for (const pid of pids) assert.ok(isProcessAlive(pid), `container process ${pid} died with the daemon`);
    await d.restart();
  });

  it('the still-running containers read their data back', async () => {
    for (const c of [writer, donor, borrower]) assert.match(ok(await d.docker(['inspect', '-f', '{{.State.Status}}', c])).trim(), /^running$/);
    assert.equal(await readSum(['exec', writer], '/n'), `${writer}\n${sums.named}\n`);
    assert.equal(await readSum(['exec', writer], '/anon'), `${writer}\n${sums.anon}\n`);
    assert.equal(await readSum(['exec', donor], '/shared'), `${borrower}\n${sums.shared}\n`);
    assert.equal(await readSum(['exec', borrower], '/shared'), `${borrower}\n${sums.shared}\n`);
  });

  it('new containers read the same data', async () => {
    assert.equal(await readSum(['run', '--rm', '-v', `${named}:/m`, 'busybox'], '/m'), `${writer}\n${sums.named}\n`);
    assert.equal(await readSum(['run', '--rm', '-v', `${anonVol}:/a`, 'busybox'], '/a'), `${writer}\n${sums.anon}\n`);
    assert.equal(await readSum(['run', '--rm', '--volumes-from', writer, 'busybox'], '/anon'), `${writer}\n${sums.anon}\n`);
    assert.equal(await readSum(['run', '--rm', '--volumes-from', donor, 'busybox'], '/shared'), `${borrower}\n${sums.shared}\n`);
  });

  it('volumes in use still refuse removal, naming their containers', async () => {
    const [w, dn, b] = [await idOf(writer), await idOf(donor), await idOf(borrower)];
    await refusedNaming(named, [w]);
    await refusedNaming(anonVol, [w]);
    await refusedNaming(donorVol, [dn, b]);
  });

  it('volume prune takes only unused anonymous volumes; prune -a also unused named ones', async () => {
    const pruned = ok(await d.docker(['volume', 'prune', '-f']));
    includes(pruned, idleAnon);
    let left = await volumes();
    assert.ok(!left.includes(idleAnon), 'the unused anonymous volume was pruned');
    for (const v of [named, anonVol, donorVol, idleNamed]) assert.ok(left.includes(v), `${v} survives prune\n${pruned}`);

    const prunedAll = ok(await d.docker(['volume', 'prune', '-a', '-f']));
    includes(prunedAll, idleNamed);
    left = await volumes();
    assert.ok(!left.includes(idleNamed), 'prune -a took the unused named volume');
    for (const v of [named, anonVol, donorVol]) assert.ok(left.includes(v), `${v} (in use) survives prune -a\n${prunedAll}`);
    // And the data in them is untouched.
    assert.equal(await readSum(['exec', writer], '/n'), `${writer}\n${sums.named}\n`);
    assert.equal(await readSum(['exec', borrower], '/shared'), `${borrower}\n${sums.shared}\n`);
  });

  it('once their containers are gone the volumes can be removed', async () => {
    ok(await d.docker(['rm', '-f', borrower]));
    await refusedNaming(donorVol, [await idOf(donor)]);
    ok(await d.docker(['rm', '-f', donor, writer]));
    ok(await d.docker(['volume', 'rm', named, anonVol, donorVol]));
    const left = await volumes();
    for (const v of [named, anonVol, donorVol]) assert.ok(!left.includes(v), v);
  });

  it('20 parallel creates of one name make one volume, all answered with its name', async () => {
    const name = uniq('race');
    const rs = await Promise.all(Array.from({ length: 20 }, () => d.api({ method: 'POST', path: '/volumes/create', body: { Name: name } })));
    for (const r of rs) assert.ok(r.status === 201 || r.status === 200, `${r.status} ${r.body}`);
    const got = rs.map((r) => r.json<{ Name: string; CreatedAt: string; Mountpoint: string }>());
    assert.deepEqual(new Set(got.map((v) => v.Name)), new Set([name]));
    assert.equal(new Set(got.map((v) => `${v.CreatedAt} ${v.Mountpoint}`)).size, 1, JSON.stringify(got));
    assert.deepEqual((await volumes()).filter((v) => v === name), [name]);
    ok(await d.docker(['volume', 'rm', name]));
  });

  it('two parallel creates of containers with one new volume share one volume', async () => {
    const vol = uniq('newvol');
    const [a, b] = [uniq('pa'), uniq('pb')];
    const rs = await Promise.all([a, b].map((n) => d.docker(['create', '--name', n, '-v', `${vol}:/d`, 'busybox', 'true'])));
    for (const r of rs) ok(r);
    assert.deepEqual((await volumes()).filter((v) => v === vol), [vol]);
    assert.equal(await volAt(a, '/d'), vol);
    assert.equal(await volAt(b, '/d'), vol);
    await refusedNaming(vol, [await idOf(a), await idOf(b)]);
    ok(await d.docker(['rm', a]));
    await refusedNaming(vol, [await idOf(b)]);
    ok(await d.docker(['rm', b]));
    ok(await d.docker(['volume', 'rm', vol]));
  });

  it('a crash that cost a volume its metadata, or cut a removal short, loses no data and leaves no trash', async () => {
    const vol = uniq('nometa');
    ok(await d.docker(['run', '--rm', '-v', `${vol}:/v`, 'busybox', 'sh', '-c', 'echo still-here > /v/f']));
    const gone = uniq('gone');
    ok(await d.docker(['volume', 'create', gone]));
    await d.kill9();
    const root = join(d.dataRoot, 'volumes');
    rmSync(join(root, vol, 'volume.json'));
    const trash = join(root, `.${gone}.removing-0badc0de`);
    renameSync(join(root, gone), trash);
    await d.restart();
    assert.ok((await volumes()).includes(vol), 'the volume without metadata is listed');
    assert.ok(!(await volumes()).includes(gone));
    assert.ok(!existsSync(trash), 'the removal cut short was finished');
    assert.equal(ok(await d.docker(['run', '--rm', '-v', `${vol}:/v`, 'busybox', 'cat', '/v/f'])), 'still-here\n');
    includes(d.logs(), `volume ${vol}: no metadata; kept its data`);
    ok(await d.docker(['volume', 'rm', vol]));
  });
});
