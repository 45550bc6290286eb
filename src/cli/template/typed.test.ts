import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate } from './index.js';
import { typedValue } from './typed.js';

// A container inspect answer as berthd sends it, with the nulls and absent fields Docker's
// typed structs turn into zero values.
const CONTAINER = {
  Id: 'c0ffee', Created: '2024-01-01T00:00:00Z', Path: 'sleep', Args: ['600'],
  State: { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 1234, ExitCode: 0, Error: '', StartedAt: '2024-01-01T00:00:01Z', FinishedAt: '0001-01-01T00:00:00Z' },
  Image: 'sha256:ab', Name: '/web', RestartCount: 0, Driver: 'overlay2', Platform: 'linux',
  HostConfig: { Binds: null, LogConfig: { Type: 'json-file', Config: {} }, NetworkMode: 'bridge', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, Memory: 67108864, PidsLimit: null, Ulimits: [{ Name: 'nofile', Soft: 100, Hard: 200 }] },
  GraphDriver: { Name: 'overlay2', Data: { MergedDir: '/m', UpperDir: '/u' } },
  Mounts: [],
  Config: { Hostname: 'c0ffee', Env: ['A=1'], Cmd: ['sleep', '600'], Entrypoint: null, Image: 'busybox', Labels: { tier: 'front' }, ExposedPorts: null, StopSignal: 'SIGTERM',
    Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 2e9, Timeout: 90e9, StartPeriod: 1500000, Retries: 3 } },
  NetworkSettings: { Networks: { bridge: { IPAddress: '10.1.0.2' } }, Ports: {} },
};

const render = (src: string, data: unknown = CONTAINER, type = 'container.InspectResponse'): string =>
  compileTemplate(src).render(typedValue(data, type));

test('nulls and absent fields are their type\'s zero value, as docker evaluates them', () => {
  assert.equal(render('{{.Config.Labels.x}}'), '<no value>');
  assert.equal(render('{{if .State.Health}}a{{else}}b{{end}}'), 'b');
  assert.equal(render('{{len .Config.Entrypoint}}'), '0');
  assert.equal(render('{{.Config.ExposedPorts}}'), 'map[]');
  assert.equal(render('{{.Config.Entrypoint}}|{{.HostConfig.Binds}}|{{.SizeRw}}|{{.State.Health}}'), '[]|[]|<nil>|<nil>');
  // Go field names, not JSON ones: `.HostConfig.CpuShares` works only through the raw fallback
  assert.equal(render('{{.HostConfig.CPUShares}}|{{.Config.Domainname}}.'), '0|.');
  assert.throws(() => render('{{.HostConfig.CpuShares}}'), /can't evaluate field CpuShares/);
  assert.equal(render('{{index .Config.Labels "x"}}|{{index .Config.Labels "tier"}}'), '|front');
  assert.equal(render('{{.Config.Labels.x | printf "%q"}}|{{printf "%v" .State.Health}}'), '%!q(<nil>)|<nil>');
});

test('json marshals the struct again, as docker does: Go\'s field order, omitempty, unknown keys dropped', () => {
  assert.equal(render('{{json .Config.Entrypoint}}|{{json .Config.Labels}}|{{json .State.Pid}}'), 'null|{"tier":"front"}|1234');
  assert.equal(render('{{json .GraphDriver}}'), '{"Data":{"MergedDir":"/m","UpperDir":"/u"},"Name":"overlay2"}');
  assert.equal(render('{{json .NetworkSettings}}', { NetworkSettings: { Networks: {}, Ports: {}, Bridge: '', Extra: 1 } }), '{"Bridge":"","Ports":{},"Networks":{}}');
  const image = { Id: 'sha256:ab', Parent: '', Config: { User: '', Env: ['A=1'], Entrypoint: null, Cmd: ['sh'], Labels: null, OnBuild: null } };
  assert.equal(render('{{json .Config}}', image, 'image.InspectResponse'), '{"Env":["A=1"],"Cmd":["sh"]}');
  assert.equal(render('{{json .}}', image, 'image.InspectResponse'), '{"Id":"sha256:ab","Parent":"","Config":{"Env":["A=1"],"Cmd":["sh"]}}');
});

test('structs print in Go\'s field order; pointers as &{…} through print and as addresses inside', () => {
  assert.equal(render('{{.State}}'), '{running true false false false false 1234 0  2024-01-01T00:00:01Z 0001-01-01T00:00:00Z <nil>}');
  assert.equal(render('{{print .State}}'), '&{running true false false false false 1234 0  2024-01-01T00:00:01Z 0001-01-01T00:00:00Z <nil>}');
  assert.equal(render('{{.GraphDriver}}'), '{map[MergedDir:/m UpperDir:/u] overlay2}');
  assert.equal(render('{{.HostConfig.RestartPolicy}}|{{.HostConfig.LogConfig}}'), '{no 0}|{json-file map[]}');
  assert.equal(render('{{.NetworkSettings.Networks}}'), 'map[bridge:0xc000010000]');
  assert.equal(render('{{index .NetworkSettings.Networks "bridge"}}'), '{<nil> [] []  map[] 0    10.1.0.2 0   0 []}');
  assert.equal(render('{{.NetworkSettings.IPAddress}}|{{.NetworkSettings.Ports}}'), '|map[]');
  // the embedded Resources struct, by its type name, with Ulimit's String method
  assert.equal(render('{{.HostConfig.Resources}}'),
    '{0 67108864 0  0 [] [] [] [] [] 0 0 0 0   [] [] [] 0 0 0 0 <nil> <nil> <nil> [nofile=100:200] 0 0 0 0}');
  assert.equal(render('{{.}}'), '{0xc000010000 [] 0xc000010000 0xc000010000 <nil>}');
});

test('durations and times print as Go prints them', () => {
  assert.equal(render('{{.Config.Healthcheck}}'), '{[CMD-SHELL true] 2s 1m30s 1.5ms 0s 3}');
  const image = { Id: 'sha256:ab', RepoTags: ['busybox:latest'], Metadata: { LastTagTime: '2026-12-01T06:15:01.943000000Z' }, RootFS: { Type: 'layers', Layers: ['sha256:03'] } };
  assert.equal(render('{{.Metadata}}|{{.RootFS}}|{{.Config}}|{{.ContainerConfig}}', image, 'image.InspectResponse'),
    '{2026-12-01 06:15:01.943 +0000 UTC}|{layers [sha256:03]}|<nil>|<nil>');
  assert.equal(render('{{.Metadata.LastTagTime}}', {}, 'image.InspectResponse'), '0001-01-01 00:00:00 +0000 UTC');
  assert.equal(render('{{json .Metadata}}', image, 'image.InspectResponse'), '{"LastTagTime":"2026-12-01T06:15:01.943Z"}');
});

test('ranges over typed maps follow key order; a field the struct lacks is an error', () => {
  assert.equal(render('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{end}}'), 'tier=front');
  assert.throws(() => render('{{.Config.Nope}}'), /can't evaluate field Nope in type \*container.Config/);
  assert.throws(() => render('{{.State.Health.Status}}'), /nil pointer evaluating/);
});

test('errors name the place in the template, as Go does', () => {
  const raw = (src: string): string => compileTemplate(src, { missingKey: 'map' }).render(CONTAINER);
  assert.throws(() => raw('{{.Config.Nope}}'), { message: 'template: :1:9: executing "" at <.Config.Nope>: map has no entry for key "Nope"' });
  assert.throws(() => raw('x\n {{.Nope}}'), { message: 'template: :2:3: executing "" at <.Nope>: map has no entry for key "Nope"' });
  assert.throws(() => raw('{{index .Config.Labels 1}}'),
    { message: 'template: :1:2: executing "" at <index .Config.Labels 1>: error calling index: value has type int; should be string' });
});
