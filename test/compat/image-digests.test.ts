// Digests as the docker CLI shows and uses them after a push and a pull: RepoDigests,
// `images --digests`, `rmi name@sha256:…`, and running pinned to a digest.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { fails, includes, lines, ok } from '../helpers/assert.js';
import { startRegistry, type Registry } from '../helpers/registry.js';

describe('compat: image digests after push and pull', { skip: skipReason(compatNeeds) }, () => {
  let reg: Registry;
  let d: Daemon;
  let repo = '';
  let digest = '';

  before(async () => {
    reg = await startRegistry();
    d = await startDaemon();
    repo = `${reg.addr}/dig/bb`;
  });
  after(async () => {
    await d?.stop();
    await reg?.cleanup();
  });

  it('a push records the repository digest: inspect and images --digests show it', async () => {
    ok(await d.docker(['tag', 'busybox', `${repo}:1`]));
    const out = ok(await d.docker(['push', `${repo}:1`]));
    digest = /^1: digest: (sha256:[0-9a-f]{64})/m.exec(out)![1]!;
    assert.deepEqual(JSON.parse(ok(await d.docker(['image', 'inspect', '-f', '{{json .RepoDigests}}', `${repo}:1`]))), [`${repo}@${digest}`]);
    assert.deepEqual(lines(ok(await d.docker(['images', '--digests', '--format', '{{.Repository}}|{{.Tag}}|{{.Digest}}', repo]))), [`${repo}|1|${digest}`]);
    includes(ok(await d.docker(['images', '--digests', repo])), /^REPOSITORY\s+TAG\s+DIGEST\s+IMAGE ID\s+CREATED\s+SIZE$/m);
  });

  it('rmi by digest removes only the digest reference; untagging the last tag takes the repository\'s digests along', async () => {
    const id = ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', `${repo}:1`])).trim();
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', `${repo}@${digest}`])).trim(), id);
    assert.equal(ok(await d.docker(['rmi', `${repo}@${digest}`])), `Untagged: ${repo}@${digest}\n`);
    fails(await d.docker(['image', 'inspect', `${repo}@${digest}`]));
    assert.deepEqual(JSON.parse(ok(await d.docker(['image', 'inspect', '-f', '{{json .RepoTags}}', id]))).sort(), ['busybox:latest', `${repo}:1`].sort());
    // As dockerd: the last tag of a repository goes with its digest references.
    includes(ok(await d.docker(['push', `${repo}:1`])), `digest: ${digest}`);
    assert.equal(ok(await d.docker(['rmi', `${repo}:1`])), `Untagged: ${repo}:1\nUntagged: ${repo}@${digest}\n`);
    // busybox:latest still holds the image, so it is not deleted.
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).trim(), id);
  });

  it('pull by digest, then run pinned to it; rmi of an unknown digest is Docker\'s 404', async () => {
    const pull = ok(await d.docker(['pull', `${repo}@${digest}`]));
    includes(pull, `Digest: ${digest}`);
    assert.equal(ok(await d.docker(['run', '--rm', `${repo}@${digest}`, 'echo', 'pinned'])), 'pinned\n');
    assert.deepEqual(lines(ok(await d.docker(['images', '--digests', '--format', '{{.Tag}}|{{.Digest}}', repo]))), [`<none>|${digest}`]);
    const missing = `${repo}@sha256:${'0'.repeat(64)}`;
    const r = await d.docker(['rmi', missing]);
    fails(r);
    includes(r.stderr, `Error response from daemon: No such image: ${missing}`);
  });
});
