import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overlayChanges, placeholdersIn } from './changes.js';

// Plain directories stand in for an overlay's upper and lower dirs: no mount, no root needed.
describe('overlayChanges with mount placeholders', () => {
  let root: string;
  let upper: string;
  let lower: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-changes-'));
    upper = join(root, 'upper');
    lower = join(root, 'lower');
    await mkdir(join(lower, 'etc'), { recursive: true });
    await writeFile(join(lower, 'etc', 'passwd'), 'root\n');
    await writeFile(join(lower, 'etc', 'hosts'), '');
    await mkdir(join(upper, 'etc'), { recursive: true });
    // The runtime's empty mount targets, and one the container really wrote.
    await writeFile(join(upper, 'etc', 'hostname'), '');
    await writeFile(join(upper, 'etc', 'resolv.conf'), 'nameserver 1.1.1.1\n');
  });
  after(async () => { await rm(root, { recursive: true, force: true }); });

  it('leaves out an empty placeholder no layer has, and the directory it alone changed', async () => {
    const skip = await placeholdersIn(upper, [lower], ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);
    assert.deepEqual([...skip], ['etc/hostname']);
    assert.deepEqual(await overlayChanges(upper, [lower], skip), [{ path: '/etc', kind: 0 }, { path: '/etc/resolv.conf', kind: 1 }]);
    await rm(join(upper, 'etc', 'resolv.conf'));
    assert.deepEqual(await overlayChanges(upper, [lower], skip), []);
  });

  it('lists a placeholder path the image has as it lists any other file', async () => {
    await writeFile(join(upper, 'etc', 'hosts'), '');
    const skip = await placeholdersIn(upper, [lower], ['/etc/hosts']);
    assert.equal(skip.size, 0);
    const list = await overlayChanges(upper, [lower], skip);
    assert.ok(list.some((c) => c.path === '/etc/hosts' && c.kind === 0), JSON.stringify(list));
  });
});
