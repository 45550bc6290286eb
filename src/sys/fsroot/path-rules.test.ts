import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoFileMode, goModeIsDir, goModeIsSymlink } from '../../api/archive.js';
import { goFileMode } from './file-mode.js';
import { goTime } from './path-stat.js';
import { archiveBaseName, parseContainerPath } from './path-rules.js';

test('container paths are cleaned and can never climb above the root', () => {
  assert.deepEqual(parseContainerPath('/etc/passwd'), { clean: '/etc/passwd', parts: ['etc', 'passwd'], asDir: false, contentsOnly: false });
  assert.equal(parseContainerPath('../../../etc/shadow').clean, '/etc/shadow');
  assert.equal(parseContainerPath('/a/../../..').clean, '/');
  assert.equal(parseContainerPath('relative/x').clean, '/relative/x');
  assert.equal(parseContainerPath('//a//./b/').clean, '/a/b');
});

test('a trailing "/" or "/." names a directory; "/." means its contents', () => {
  assert.equal(parseContainerPath('/d/').asDir, true);
  assert.equal(parseContainerPath('/d/').contentsOnly, false);
  assert.equal(parseContainerPath('/d/.').contentsOnly, true);
  assert.equal(parseContainerPath('/').asDir, true);
  assert.equal(archiveBaseName(parseContainerPath('/d/.')), '.');
  assert.equal(archiveBaseName(parseContainerPath('/d/')), 'd');
  assert.equal(archiveBaseName(parseContainerPath('/')), '.');
});

test('bad paths are refused', () => {
  assert.throws(() => parseContainerPath(''), /path cannot be empty/);
  assert.throws(() => parseContainerPath('/a\0b'), /NUL/);
  assert.throws(() => parseContainerPath('/' + 'a'.repeat(5000)), /too long/);
  assert.throws(() => parseContainerPath('/' + 'a'.repeat(300)), /too long/);
});

const kind = (k: string, mode: number) => ({
  mode,
  isDirectory: () => k === 'dir',
  isSymbolicLink: () => k === 'link',
  isBlockDevice: () => k === 'blk',
  isCharacterDevice: () => k === 'chr',
  isFIFO: () => k === 'fifo',
  isSocket: () => k === 'sock',
});

test("modes carry Go's os.FileMode bits, as docker's clients decode them", () => {
  assert.equal(goFileMode(kind('dir', 0o40755)), 2147484141);
  assert.equal(goFileMode(kind('link', 0o120777)), 134218239);
  assert.equal(goFileMode(kind('file', 0o100644)), 0o644);
  assert.equal(goFileMode(kind('chr', 0o20666)), GoFileMode.Device + GoFileMode.CharDevice + 0o666);
  assert.equal(goFileMode(kind('file', 0o104755)), GoFileMode.Setuid + 0o755);
  assert.equal(goFileMode(kind('dir', 0o41777)), GoFileMode.Dir + GoFileMode.Sticky + 0o777);
  assert.ok(goModeIsDir(2147484141));
  assert.ok(!goModeIsDir(134218239));
  assert.ok(goModeIsSymlink(134218239));
});

test("times are written as Go's RFC3339Nano (no trailing zeros)", () => {
  assert.equal(goTime('2026-12-01T08:22:54.821170450Z'), '2026-12-01T08:22:54.82117045Z');
  assert.equal(goTime('2026-12-01T08:22:54.000000000Z'), '2026-12-01T08:22:54Z');
  assert.equal(goTime('2026-12-01T08:22:54Z'), '2026-12-01T08:22:54Z');
});
