// bin/berth next to the real docker CLI, both against the same berthd: where scripts read
// the output (inspect templates, exit codes, error sentences), berth must print what docker does.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { berth, compatNeeds, docker, skipReason, startDaemon, type Daemon, type RunResult } from '../helpers/daemon.js';
import { exitsWith, lines, ok, uniq } from '../helpers/assert.js';

/** Go prints pointers inside values as addresses, which differ run to run. */
const sameAddresses = (s: string): string => s.replace(/0xc[0-9a-f]+/g, '0xc…');

/** Both CLIs' results, checked to agree on exit code, stdout and stderr. */
function assertSame(b: RunResult, d: RunResult, normalise: (s: string) => string = (s) => s): void {
  const shown = `berth:\n${b.command}\nexit ${b.code}\n${b.stdout}${b.stderr}\ndocker:\n${d.command}\nexit ${d.code}\n${d.stdout}${d.stderr}`;
  assert.equal(b.code, d.code, shown);
  assert.equal(normalise(b.stdout), normalise(d.stdout), shown);
  assert.equal(normalise(b.stderr), normalise(d.stderr), shown);
}

describe('compat: bin/berth prints what the docker CLI prints', { skip: skipReason({ ...compatNeeds, cli: true }) }, () => {
  let d: Daemon;
  let name: string;
  before(async () => {
    d = await startDaemon();
    name = uniq('cvd');
    ok(await d.docker(['run', '-d', '--name', name, '-l', 'tier=front', '-e', 'A=1', '--restart', 'on-failure:3',
      '--ulimit', 'nofile=100:200', '-m', '64m', 'busybox', 'sleep', '600']));
  });
  after(async () => {
    await d?.stop();
  });

  const both = (args: string[]): Promise<[RunResult, RunResult]> => Promise.all([d.berth(args), d.docker(args)]);

  it('inspect -f: zero values, <no value>, Go struct printing and errors', async () => {
    const templates = [
      '{{.Config.Labels.x}}|{{if .State.Health}}a{{else}}b{{end}}|{{len .Config.Entrypoint}}|{{.Config.ExposedPorts}}',
      '{{.State}}', '{{.Config}}', '{{.HostConfig}}', '{{.HostConfig.Resources}}', '{{.NetworkSettings}}', '{{.}}',
      '{{.GraphDriver}}|{{.Mounts}}|{{.HostConfig.RestartPolicy}}|{{.HostConfig.LogConfig}}|{{.HostConfig.Ulimits}}',
      '{{.NetworkSettings.Networks}}|{{index .NetworkSettings.Networks "bridge"}}',
      '{{print .State}}|{{json .Config.Entrypoint}}|{{.SizeRw}}|{{.HostConfig.PidsLimit}}|{{.Config.StopTimeout}}',
      '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}{{index .Config.Labels "x"}}|{{.HostConfig.CpuShares}}',
      '{{.Config.Nope}}', '{{.State.Health.Status}}', '{{index .Config.Labels 1}}',
      '{{json .}}', '{{json .NetworkSettings}}', '{{json .GraphDriver}}', '{{.Config.Labels.x | printf "%q"}}',
    ];
    for (const t of templates) {
      const [b, k] = await both(['inspect', '-f', t, name]);
      assertSame(b, k, sameAddresses);
    }
    for (const t of ['{{.}}', '{{.Config}}', '{{.RootFS}}|{{.Metadata}}|{{.GraphDriver}}|{{.ContainerConfig}}', '{{.Config.Labels.x}}', '{{json .}}']) {
      const [b, k] = await both(['image', 'inspect', '-f', t, 'busybox']);
      assertSame(b, k, sameAddresses);
    }
    for (const args of [['inspect', '-f', '{{.Nope}}', name, 'nosuch', name], ['inspect', '--format', 'json', name, 'nosuch'],
      ['inspect', '--format', 'json', 'nosuch'], ['inspect', '-f', '{{.Id}}', 'nosuch']]) {
      const [b, k] = await both(args);
      assertSame(b, k);
    }
  });

  it('rm -f of a missing container prints the error and exits 0', async () => {
    const [b, k] = await both(['rm', '-f', uniq('gone')]);
    exitsWith(b, 0);
    assertSame(b, k);
  });

  it('images -q prints one line per tag', async () => {
    ok(await d.docker(['tag', 'busybox', 'busybox:second']));
    const [b, k] = await both(['images', '-q']);
    assertSame(b, k);
    assert.equal(lines(b.stdout).length, 2, b.stdout);
  });

  it('load of a file that is not an archive reports the daemon\'s error, never a broken pipe', async () => {
    const junk = join(d.base, 'junk.tar');
    writeFileSync(junk, Buffer.alloc(32 * 1024 * 1024, 'not a tar archive '));
    for (let round = 0; round < 5; round++) {
      const [b, k] = await both(['load', '-i', junk]);
      assertSame(b, k);
      assert.match(b.stderr, /^Error response from daemon: /);
    }
  });

  it('an unreachable daemon gets docker\'s sentence, for a socket and a scheme-less TCP address', async () => {
    for (const host of ['unix:///nonexistent/berth-cvd.sock', '127.0.0.1:1']) {
      const [b, k] = await Promise.all([berth(['-H', host, 'ps']), docker(['-H', host, 'ps'])]);
      assertSame(b, k);
      assert.match(b.stderr, /^Cannot connect to the Docker daemon at .*\. Is the docker daemon running\?\n$/);
    }
  });

  it('contexts and -H are checked before any command runs', async () => {
    const env = { DOCKER_CONFIG: join(d.base, 'docker-config') };
    const cases = [
      ['--context', 'default', '-H', d.host, 'ps'],
      ['-H', d.host, '-H', d.host, 'ps'],
    ];
    for (const args of cases) {
      const [b, k] = await Promise.all([berth(args, { env }), docker(args, { env })]);
      assertSame(b, k);
      exitsWith(b, 1);
    }
    // docker's own sentence names its store's path; both say which context is unknown and stop
    for (const opts of [{ args: ['--context', 'nosuch', 'ps'], env: { ...env, DOCKER_HOST: d.host } },
      { args: ['ps'], env: { ...env, DOCKER_CONTEXT: 'nosuch' } }]) {
      const [b, k] = await Promise.all([berth(opts.args, { env: opts.env }), docker(opts.args, { env: opts.env })]);
      exitsWith(b, 1);
      exitsWith(k, 1);
      assert.equal(b.stdout, '');
      assert.match(b.stderr, /context "nosuch" does not exist/);
      assert.match(k.stderr, /context "nosuch"/);
    }
  });

  it('config.json formats and DOCKER_API_VERSION are honoured', async () => {
    const config = join(d.base, 'cvd-config');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'config.json'), JSON.stringify({ psFormat: '{{.Names}}', imagesFormat: '{{.Repository}}:{{.Tag}}' }));
    for (const args of [['ps'], ['images']]) {
      const [b, k] = await Promise.all([berth(['--config', config, '-H', d.host, ...args]), docker(['--config', config, '-H', d.host, ...args])]);
      assertSame(b, k);
    }
    const [b, k] = await Promise.all([
      berth(['-H', d.host, 'version', '--format', '{{.Client.APIVersion}}'], { env: { DOCKER_API_VERSION: '1.44' } }),
      docker(['-H', d.host, 'version', '--format', '{{.Client.APIVersion}}'], { env: { DOCKER_API_VERSION: '1.44' } }),
    ]);
    assertSame(b, k);
  });

  it('info prints the daemon\'s warnings on stderr', async () => {
    const [b, k] = await both(['info']);
    ok(b);
    ok(k);
    assert.equal(b.stderr, k.stderr);
    assert.doesNotMatch(b.stdout, /^WARNING/m);
  });
});
