import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate } from './index.js';

const render = (src: string, data: unknown): string => compileTemplate(src).render(data);

const inspect = {
  Id: 'abc123',
  State: { Status: 'running', ExitCode: 0, Running: true },
  Config: { Labels: { 'com.example': 'yes', a: 'b' }, Env: ['A=1', 'B=2'], Cmd: null },
  Args: ['-c', 'echo hi'],
  Mounts: [{ Source: '/a', Destination: '/x' }, { Source: '/b', Destination: '/y' }],
};

test('fields and nested fields', () => {
  assert.equal(render('{{.Id}} {{.State.Status}}', inspect), 'abc123 running');
  assert.equal(render('{{ .State.ExitCode }}', inspect), '0');
});

test('json, index, join and docker string functions', () => {
  assert.equal(render('{{json .State}}', inspect), '{"Status":"running","ExitCode":0,"Running":true}');
  assert.equal(render('{{index .Config.Labels "com.example"}}', inspect), 'yes');
  assert.equal(render('{{join .Args ","}}', inspect), '-c,echo hi');
  assert.equal(render('{{upper .State.Status}} {{lower "AB"}} {{title "hello world"}}', inspect), 'RUNNING ab Hello World');
  assert.equal(render('{{truncate .Id 3}}', inspect), 'abc');
  assert.equal(render('{{split "a:b" ":"}}', {}), '[a b]');
  assert.equal(render('{{json .Config.Cmd}}', inspect), 'null');
});

test('range, with, if/else if/else, variables', () => {
  assert.equal(render('{{range .Mounts}}{{.Source}}->{{.Destination}};{{end}}', inspect), '/a->/x;/b->/y;');
  assert.equal(render('{{range $i, $m := .Mounts}}{{$i}}={{$m.Source}} {{end}}', inspect), '0=/a 1=/b ');
  assert.equal(render('{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}},{{end}}', inspect), 'a:b,com.example:yes,');
  assert.equal(render('{{range .Nope}}x{{else}}none{{end}}', inspect), 'none');
  assert.equal(render('{{with .State}}{{.Status}}{{end}}', inspect), 'running');
  assert.equal(render('{{if eq .State.Status "exited"}}E{{else if .State.Running}}R{{else}}?{{end}}', inspect), 'R');
  assert.equal(render('{{$s := .State.Status}}{{range .Args}}{{$s}}{{end}}', inspect), 'runningrunning');
  assert.equal(render('{{range .Args}}{{$.Id}}{{end}}', inspect), 'abc123abc123');
});

test('pipelines, printf, len and comparisons', () => {
  assert.equal(render('{{.State.Status | upper}}', inspect), 'RUNNING');
  assert.equal(render('{{printf "%-8s|%3d" .State.Status 7}}', inspect), 'running |  7');
  assert.equal(render('{{len .Mounts}}', inspect), '2');
  assert.equal(render('{{if gt (len .Mounts) 1}}many{{end}}', inspect), 'many');
  assert.equal(render('{{(index .Mounts 1).Source}}', inspect), '/b');
  assert.equal(render('{{if and .State.Running (not .Config.Cmd)}}ok{{end}}', inspect), 'ok');
});

test('Go printing of maps, slices, nil and missing keys', () => {
  assert.equal(render('{{.Config.Labels}}', inspect), 'map[a:b com.example:yes]');
  assert.equal(render('{{.Config.Env}}', inspect), '[A=1 B=2]');
  assert.equal(render('{{.Config.Cmd}}', inspect), '<nil>');
  assert.equal(render('{{.Missing}}', inspect), '<no value>');
});

test('methods with arguments, trim markers, comments, escapes', () => {
  const row = { Names: 'web', Label: (k: string) => (k === 'tier' ? 'front' : '') };
  assert.equal(render('{{.Label "tier"}}/{{.Names}}', row), 'front/web');
  assert.equal(render('a  {{- "b" -}}  c', {}), 'abc');
  assert.equal(render('x{{/* note */}}y', {}), 'xy');
  assert.equal(render('{{.Names}}\\t{{.Names}}', row), 'web\tweb');
});

test('malformed templates raise template errors', () => {
  assert.throws(() => compileTemplate('{{if .A}}x'), /template: :1: unexpected EOF/);
  assert.throws(() => compileTemplate('{{.A'), /unclosed action/);
  assert.throws(() => render('{{nope .A}}', {}), /function "nope" not defined/);
});

test('missing keys: <no value>, or errors in map and field modes', () => {
  assert.throws(() => compileTemplate('{{.Nope}}', { missingKey: 'map' }).render({ a: 1 }), /map has no entry for key "Nope"/);
  assert.throws(() => compileTemplate('{{.Nope}}', { missingKey: 'field' }).render({ a: 1 }), /can't evaluate field Nope/);
  // index ignores missingkey: on an untyped map (element type interface{}) a missing key is nil
  assert.equal(compileTemplate('{{index .L "x"}}|', { missingKey: 'map' }).render({ L: {} }), '<no value>|');
});

test('json escapes HTML characters like Go', () => {
  assert.equal(render('{{json .}}', { Tag: '<none>', q: 'a&b' }), '{"Tag":"\\u003cnone\\u003e","q":"a\\u0026b"}');
});
