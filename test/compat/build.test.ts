// docker build through the real docker CLI (the classic builder path, DOCKER_BUILDKIT=0 and the
// plain `docker build` of a CLI without buildx) and `berth build`, against berthd with the
// built-in busybox image as the base: what a user sees, the images made, the cache, failures.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, run, skipReason, start, startDaemon, type Daemon, type RunResult } from '../helpers/daemon.js';
import { exitsWith, fails, includes, lines, ok, uniq, waitFor } from '../helpers/assert.js';
import { dockerBin } from '../helpers/paths.js';

describe('compat: docker build (classic builder)', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  let n = 0;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  /** A fresh context directory with these files. */
  const context = async (files: Record<string, string>): Promise<string> => {
    const dir = join(d.base, `ctx${++n}`);
    for (const [name, body] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), body);
    }
    return dir;
  };
  const build = (dir: string, args: string[], env: Record<string, string> = { DOCKER_BUILDKIT: '0' }): Promise<RunResult> =>
    d.docker(['build', ...args, dir], { env });
  /** The steps whose output says ` ---> Using cache`, by their `Step n/m` number. */
  const cachedSteps = (out: string): number[] => {
    const steps: number[] = [];
    let step = 0;
    for (const l of lines(out)) {
      const m = /^Step (\d+)\/\d+ : /.exec(l);
      if (m) step = Number(m[1]);
      if (l === ' ---> Using cache') steps.push(step);
    }
    return steps;
  };

  it('builds a multi-stage Dockerfile with COPY, ADD, ENV and ARG; the image runs with its config and history', async () => {
    const dir = await context({
      'Dockerfile': [
        'ARG BASE=busybox',
        'FROM ${BASE} AS build',
        'ARG GREETING=hello',
        'RUN mkdir -p /out && echo "$GREETING from build" > /out/msg',
        'FROM busybox AS unused',
        'RUN echo this stage is not needed && false',
        'FROM $BASE',
        'ENV APP_HOME=/app',
        'WORKDIR $APP_HOME',
        'COPY --from=build /out/msg ./msg',
        'COPY src/ ./src/',
        'COPY --chown=1000:1000 --chmod=640 conf.txt /etc/app.conf',
        'ADD files.tar /unpacked/',
        'LABEL org.example.name="demo app"',
        'EXPOSE 8080',
        'CMD ["cat", "msg"]',
        '',
      ].join('\n'),
      'src/a.txt': 'A\n',
      'src/sub/b.txt': 'B\n',
      'conf.txt': 'conf\n',
    });
    const packed = join(d.base, `packed${n}`);
    await mkdir(packed);
    await writeFile(join(packed, 'in.txt'), 'inside\n');
    ok(await run('tar', ['cf', join(dir, 'files.tar'), '-C', packed, 'in.txt']));
    const tag = `${uniq('multi')}:v1`;
    const r = await build(dir, ['-t', tag, '--build-arg', 'GREETING=hi', '--build-arg', 'NOBODY=x']);
    const out = ok(r);
    includes(out, 'Step 1/13 : FROM ${BASE} AS build', r);
    includes(out, 'Step 4/13 : FROM $BASE', r);
    includes(out, ' ---> Running in ', r);
    includes(out, `Successfully tagged ${tag}`, r);
    includes(r.stdout + r.stderr, '[Warning] One or more build-args [NOBODY] were not consumed', r);
    assert.ok(!out.includes('this stage is not needed'), 'a stage the target does not need is not built');
    const id = /Successfully built ([0-9a-f]{12})/.exec(out)?.[1];
    assert.ok(id, out);

    assert.equal(ok(await d.docker(['run', '--rm', tag])), 'hi from build\n');
    const files = ok(await d.docker(['run', '--rm', tag, 'sh', '-c', 'cat src/a.txt src/sub/b.txt /unpacked/in.txt; stat -c "%u:%g %a" /etc/app.conf; echo $APP_HOME; pwd']));
    assert.equal(files, 'A\nB\ninside\n1000:1000 640\n/app\n/app\n');
    const [img] = JSON.parse(ok(await d.docker(['image', 'inspect', tag]))) as Array<{ Id: string; Config: Record<string, any> }>;
    assert.ok(img!.Id.startsWith(`sha256:${id}`));
    assert.deepEqual(img!.Config.Cmd, ['cat', 'msg']);
    assert.equal(img!.Config.WorkingDir, '/app');
    assert.deepEqual(img!.Config.ExposedPorts, { '8080/tcp': {} });
    assert.equal(img!.Config.Labels['org.example.name'], 'demo app');
    assert.ok((img!.Config.Env as string[]).includes('APP_HOME=/app'));
    const history = lines(ok(await d.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag])));
    assert.equal(history[0], '/bin/sh -c #(nop)  CMD ["cat" "msg"]');
    assert.ok(history.includes('/bin/sh -c #(nop)  EXPOSE 8080/tcp'), history.join('\n'));
    assert.ok(history.includes('/bin/sh -c #(nop) WORKDIR /app'), history.join('\n'));
    // Docker ends COPY entries with a space, which lines() trims.
    assert.ok(history.some((h) => /^\/bin\/sh -c #\(nop\) COPY dir:[0-9a-f]{64} in \.\/src\/ ?$/.test(h)), history.join('\n'));
    // No step container is left.
    assert.equal(ok(await d.docker(['ps', '-aq'])), '');
  });

  it('a rebuild with nothing changed reuses every step; changing one file re-runs only the steps from its COPY on', async () => {
    const dir = await context({
      'Dockerfile': 'FROM busybox\nENV X=1\nCOPY a.txt /a.txt\nRUN cat /a.txt > /copy\nCOPY b.txt /b.txt\nCMD ["cat", "/copy", "/b.txt"]\n',
      'a.txt': 'one\n',
      'b.txt': 'bee\n',
    });
    const tag = uniq('cached');
    const listed = async (): Promise<Set<string>> => new Set(lines(ok(await d.docker(['images', '-q', '--no-trunc']))));
    const before = await listed();
    const first = ok(await build(dir, ['-t', tag]));
    assert.deepEqual(cachedSteps(first), []);
    // The steps' intermediate images show only with -a: docker images lists the result alone.
    const added = [...(await listed())].filter((i) => !before.has(i));
    assert.deepEqual(added.map((i) => i.slice(7, 19)), [/Successfully built (\w+)/.exec(first)?.[1]]);
    const again = await build(dir, ['-t', tag], {});
    assert.deepEqual(cachedSteps(ok(again)), [2, 3, 4, 5, 6], again.stdout);
    assert.equal(/Successfully built (\w+)/.exec(again.stdout)?.[1], /Successfully built (\w+)/.exec(first)?.[1]);
    // Touching a file changes its mtime, not its content: still cached.
    await writeFile(join(dir, 'b.txt'), 'bee\n');
    assert.deepEqual(cachedSteps(ok(await build(dir, ['-t', tag]))), [2, 3, 4, 5, 6]);
    await writeFile(join(dir, 'a.txt'), 'two\n');
    const changed = await build(dir, ['-t', tag]);
    assert.deepEqual(cachedSteps(ok(changed)), [2], changed.stdout);
    assert.equal(ok(await d.docker(['run', '--rm', tag])), 'two\nbee\n');
    // builder prune forgets the cache: the next build runs every step again.
    ok(await d.docker(['builder', 'prune', '-f']));
    assert.deepEqual(cachedSteps(ok(await build(dir, ['-t', tag]))), []);
  });

  it('a failing RUN shows its output and exit code, tags nothing and leaves no container', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo about to fail && exit 3\n' });
    const tag = uniq('failing');
    const r = await build(dir, ['-t', tag]);
    exitsWith(r, 3);
    includes(r.stdout, 'about to fail', r);
    includes(r.stderr, "The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3", r);
    fails(await d.docker(['image', 'inspect', tag]));
    assert.equal(ok(await d.docker(['ps', '-aq'])), '');
    assert.deepEqual(await readdir(join(d.dataRoot, 'builder', 'tmp')), [], 'the build\'s scratch dir is gone');
  });

  it('a client that goes away mid-build stops the build and leaves no step container', async () => {
    // The output differs from the instruction's text, which the step line shows first.
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo step-$((40+2)) && sleep 60\n' });
    const client = start(dockerBin, ['build', '--no-cache', dir], { env: { ...d.env, DOCKER_BUILDKIT: '0' } });
    await waitFor('the RUN step to start', async () => client.stdout().includes('step-42'), 30_000);
    assert.equal(lines(ok(await d.docker(['ps', '-q']))).length, 1, 'the step container runs');
    client.child.kill('SIGKILL');
    await client.done;
    await waitFor('the step container to go', async () => ok(await d.docker(['ps', '-aq'])) === '', 20_000);
  });

  it('a bad Dockerfile, a COPY from outside the context and an unknown target fail with Docker\'s errors', async () => {
    const bad = await context({ Dockerfile: 'FROM busybox\nRUN true\nNOSUCH thing\n' });
    const r = await build(bad, []);
    fails(r);
    includes(r.stderr, 'dockerfile parse error on line 3: unknown instruction: NOSUCH', r);
    const outside = await context({ Dockerfile: 'FROM busybox\nCOPY ../secret /x\n' });
    const o = await build(outside, []);
    fails(o);
    includes(o.stderr, 'COPY failed: forbidden path outside the build context: ../secret ()', o);
    const target = await build(outside, ['--target', 'nope']);
    fails(target);
    includes(target.stderr, 'failed to reach build target nope in Dockerfile', target);
  });

  it('runs the base image\'s ONBUILD triggers in the child build, which does not inherit them', async () => {
    const parentDir = await context({ Dockerfile: 'FROM busybox\nONBUILD COPY greeting.txt /from-trigger.txt\n' });
    const parent = uniq('onbuild');
    ok(await build(parentDir, ['-t', parent]));
    const childDir = await context({ 'Dockerfile': `FROM ${parent}\nCMD ["cat", "/from-trigger.txt"]\n`, 'greeting.txt': 'triggered\n' });
    const child = uniq('child');
    const r = await build(childDir, ['-t', child]);
    includes(ok(r), '# Executing 1 build trigger', r);
    assert.equal(ok(await d.docker(['run', '--rm', child])), 'triggered\n');
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{json .Config.OnBuild}}', child])).trim(), 'null');
  });

  it('berth build takes the same flags and writes --iidfile; -q prints only the id', async () => {
    const dir = await context({ 'Dockerfile': 'FROM busybox\nARG WHO\nRUN echo "hello $WHO" > /greeting\nCMD ["cat", "/greeting"]\n', '.dockerignore': 'ignored.txt\n', 'ignored.txt': 'x' });
    const tag = uniq('berthbuilt');
    const iid = join(d.base, 'iid.txt');
    const r = await d.berth(['build', '-t', tag, '--build-arg', 'WHO=berth', '--iidfile', iid, '--label', 'built.by=berth', dir]);
    const out = ok(r);
    includes(out, 'Step 3/5 : RUN echo "hello $WHO" > /greeting', r);
    includes(out, 'Step 5/5 : LABEL "built.by"="berth"', r);
    const id = (await readFile(iid, 'utf8')).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(await d.docker(['run', '--rm', tag])), 'hello berth\n');
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{index .Config.Labels "built.by"}}', tag])).trim(), 'berth');
    const q = ok(await d.berth(['build', '-q', '-t', tag, '--build-arg', 'WHO=berth', '--label', 'built.by=berth', dir]));
    assert.equal(q.trim(), id);
    const none = await d.berth(['build', '--no-cache', '-t', tag, '--build-arg', 'WHO=berth', dir]);
    assert.ok(!ok(none).includes('Using cache'), none.stdout);
    const missing = await d.berth(['build', '-f', join(dir, 'nope'), dir]);
    fails(missing);
    includes(missing.stderr, 'no such file or directory', missing);
  });
});
