import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { testTempDir } from '../lib/testing/temp-dir.js';
import type { ImageConfigFile } from '../image/types.js';
import type { BuildBackend, BuildImage, StepContainerSpec } from './backend.js';
import type { BuildOptions } from '../api/build.js';
import { Builder } from './builder.js';
import type { BuildMessage } from './progress.js';

/** An image store in memory; RUN steps "run" by recording their spec and exiting with `exitCode`. */
class FakeBackend implements BuildBackend {
  images = new Map<string, BuildImage>();
  runs: StepContainerSpec[] = [];
  removed: string[] = [];
  exitCode = 0;
  #n = 0;

  constructor() {
    this.images.set('busybox', { id: 'sha256:base', config: { architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/bin'], Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [] }, history: [{ created_by: 'base' }] } });
  }
  findImage(ref: string): BuildImage | undefined {
    return this.images.get(ref) ?? [...this.images.values()].find((i) => i.id === ref);
  }
  async pullImage(ref: string): Promise<BuildImage> {
    throw new Error(`no registry here: ${ref}`);
  }
  async createStepContainer(spec: StepContainerSpec): Promise<string> {
    this.runs.push(spec);
    return `c${++this.#n}`;
  }
  async runStepContainer(_id: string, opts: { output: (s: 'stdout' | 'stderr', d: Buffer) => void }): Promise<number> {
    opts.output('stdout', Buffer.from('step output\n'));
    return this.exitCode;
  }
  async removeStepContainer(id: string): Promise<void> {
    this.removed.push(id);
  }
  async removeLeftoverStepContainers(): Promise<void> {}
  async withRootfs<T>(): Promise<T> {
    throw new Error('not used by these tests');
  }
  async commitStep(opts: { parent: string; config: ImageConfigFile['config']; createdBy: string; containerId?: string }): Promise<BuildImage> {
    const parent = this.findImage(opts.parent)!;
    const config: ImageConfigFile = {
      ...parent.config, config: opts.config,
      history: [...(parent.config.history ?? []), { created_by: opts.createdBy, ...(opts.containerId ? {} : { empty_layer: true }) }],
    };
    const id = `sha256:${createHash('sha256').update(JSON.stringify(config)).digest('hex')}`;
    const img = { id, config };
    this.images.set(id, img);
    return img;
  }
  async scratchImage(): Promise<BuildImage> {
    throw new Error('not used');
  }
  tags = new Map<string, string>();
  async tagImage(id: string, ref: string): Promise<void> {
    this.tags.set(ref, id);
  }
  async removeUnusedImage(id: string): Promise<boolean> {
    return this.images.delete(id);
  }
}

async function contextTar(files: Record<string, string>): Promise<Readable> {
  const pack = tarStream.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name, mode: 0o644 }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Readable.from([Buffer.concat(chunks)]);
}

function options(over: Partial<BuildOptions> = {}): BuildOptions {
  return {
    tags: [], dockerfile: 'Dockerfile', buildArgs: {}, noCache: false, pull: false, rm: true, quiet: false, labels: {},
    networkMode: 'bridge', signal: new AbortController().signal, ...over,
  };
}

async function build(b: Builder, dockerfile: string, over: Partial<BuildOptions> = {}): Promise<{ id: string; text: string; messages: BuildMessage[] }> {
  const messages: BuildMessage[] = [];
  const prepared = await b.prepare(await contextTar({ Dockerfile: dockerfile }), options(over));
  const id = await prepared.run((m) => messages.push(m));
  return { id, text: messages.map((m) => m.stream ?? '').join(''), messages };
}

describe('Builder (fake backend)', () => {
  it('applies each metadata instruction to the config as Docker does, with its history entry', async () => {
    const be = new FakeBackend();
    const b = new Builder({ backend: be, root: testTempDir('berth-builder-') });
    await b.init();
    const { id, text } = await build(b, [
      'FROM busybox',
      'ENV A=1 B="two words"',
      'LABEL x=y',
      'EXPOSE 80 53/udp 8000-8001',
      'USER nobody',
      'VOLUME ["/data"]',
      'STOPSIGNAL SIGKILL',
      'SHELL ["/bin/bash", "-c"]',
      'ENTRYPOINT echo',
      'HEALTHCHECK --interval=5s --retries=3 CMD true',
      'ONBUILD RUN echo child',
      '',
    ].join('\n'), { tags: ['app:1'] });
    const img = be.findImage(id)!;
    const c = img.config.config!;
    assert.deepEqual(c.Env, ['PATH=/bin', 'A=1', 'B=two words']);
    assert.deepEqual(c.Labels, { x: 'y' });
    assert.deepEqual(Object.keys(c.ExposedPorts ?? {}).sort(), ['53/udp', '80/tcp', '8000/tcp', '8001/tcp']);
    assert.equal(c.User, 'nobody');
    assert.deepEqual(c.Volumes, { '/data': {} });
    assert.equal(c.StopSignal, 'SIGKILL');
    assert.deepEqual(c.Shell, ['/bin/bash', '-c']);
    assert.deepEqual(c.Entrypoint, ['/bin/bash', '-c', 'echo'], 'shell form goes through the SHELL of the moment');
    assert.equal(c.Cmd, null, 'ENTRYPOINT drops the base image\'s CMD');
    assert.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9, Retries: 3 }, 'the shell form is CMD-SHELL');
    assert.deepEqual(c.OnBuild, ['RUN echo child']);
    const history = img.config.history!.map((h) => h.created_by);
    assert.deepEqual(history.slice(1, 4), ['/bin/sh -c #(nop)  ENV A=1 B=two words', '/bin/sh -c #(nop)  LABEL x=y', '/bin/sh -c #(nop)  EXPOSE 53/udp 80/tcp 8000/tcp 8001/tcp']);
    assert.equal(history.at(-3), '/bin/bash -c #(nop)  ENTRYPOINT ["/bin/bash" "-c" "echo"]');
    assert.ok(img.config.history!.slice(1).every((h) => h.empty_layer));
    assert.equal(be.tags.get('app:1'), id);
    assert.match(text, /^Step 1\/11 : FROM busybox\n ---> base\nStep 2\/11 : ENV A=1 B="two words"\n ---> [0-9a-f]{12}\n/);
    assert.match(text, /Successfully built [0-9a-f]{12}\nSuccessfully tagged app:1\n$/);
  });

  it('runs RUN with the build args it declares, records them in the history, and caches per arg value', async () => {
    const be = new FakeBackend();
    const b = new Builder({ backend: be, root: testTempDir('berth-builder-') });
    await b.init();
    const df = 'FROM busybox\nARG V=dflt\nARG UNSET\nRUN echo $V\nCMD ["x"]\n';
    const first = await build(b, df, { buildArgs: { V: 'one', EXTRA: 'e' } });
    assert.deepEqual(be.runs.map((r) => [r.cmd, r.env, r.networkMode]), [[['/bin/sh', '-c', 'echo $V'], ['V=one'], 'bridge']]);
    assert.match(first.text, / ---> Running in c1\nstep output\n ---> Removed intermediate container c1\n/);
    assert.match(first.text, /\[Warning\] One or more build-args \[EXTRA\] were not consumed\n/);
    assert.deepEqual(be.removed, ['c1']);
    const runEntry = be.findImage(first.id)!.config.history!.at(-2)!;
    assert.equal(runEntry.created_by, '|1 V=one /bin/sh -c echo $V');
    const again = await build(b, df, { buildArgs: { V: 'one' } });
    assert.equal(again.id, first.id);
    assert.equal(be.runs.length, 1, 'every step came from the cache');
    assert.equal(again.text.match(/ ---> Using cache\n/g)?.length, 4);
    const other = await build(b, df, { buildArgs: { V: 'two' } });
    assert.notEqual(other.id, first.id);
    assert.equal(be.runs.length, 2, 'another arg value runs the step again');
    await build(b, df, { buildArgs: { V: 'one' }, noCache: true });
    assert.equal(be.runs.length, 3);
  });

  it('stops at a failing RUN with Docker\'s message and exit code, tags nothing, and removes the container', async () => {
    const be = new FakeBackend();
    be.exitCode = 5;
    const b = new Builder({ backend: be, root: testTempDir('berth-builder-') });
    await b.init();
    await assert.rejects(build(b, 'FROM busybox\nRUN false\n', { tags: ['no:tag'] }), (err: Error & { exitCode?: number }) => {
      assert.equal(err.message, "The command '/bin/sh -c false' returned a non-zero code: 5");
      assert.equal(err.exitCode, 5);
      return true;
    });
    assert.equal(be.tags.size, 0);
    assert.deepEqual(be.removed, ['c1']);
  });

  it('refuses before any output: a parse error with its line, an unknown target, a bad tag', async () => {
    const b = new Builder({ backend: new FakeBackend(), root: testTempDir('berth-builder-') });
    await b.init();
    await assert.rejects(b.prepare(await contextTar({ Dockerfile: 'FROM busybox\nWHAT x\n' }), options()), /line 2: unknown instruction: WHAT/);
    await assert.rejects(b.prepare(await contextTar({ Dockerfile: 'FROM busybox\n' }), options({ target: 'nope' })), /failed to reach build target nope in Dockerfile/);
    await assert.rejects(b.prepare(await contextTar({ Dockerfile: 'FROM busybox\n' }), options({ tags: ['Bad:Tag:x'] })), /invalid reference format/);
    await assert.rejects(b.prepare(await contextTar({ Other: '' }), options()), /Cannot locate specified Dockerfile: Dockerfile/);
  });
});
